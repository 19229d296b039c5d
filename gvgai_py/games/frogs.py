"""Frogs: cross the road and ride logs over the river to the goal.

Java GVGAI's VGDL game ``examples/gridphysics/frogs.txt`` (docs/engine.md, "Frogs quirks").

Actions: NIL, LEFT, RIGHT, DOWN, UP (one cell per tick, no facing).
Score: +1 for reaching the goal (the win); dying costs nothing.
"""

from gvgai_py.engine import EOS, GameDescription, SpriteCounter, rule, sprite

FROGS = GameDescription(
    name="frogs",
    sprites=(
        sprite("grass", "Immovable"),
        sprite("highway", "Immovable"),
        sprite("forestDense", "SpawnPoint", stype="log", prob=0.4, cooldown=10),
        sprite("forestSparse", "SpawnPoint", stype="log", prob=0.1, cooldown=5),
        sprite(
            "structure", "Immovable",
            sprite("water"),
            sprite("goal", "Door"),
        ),
        sprite("log", "Missile", orientation="LEFT", speed=0.1),
        sprite(
            "truck", None,
            sprite("rightTruck", "Missile",
                   sprite("fastRtruck", speed=0.2),
                   sprite("slowRtruck", speed=0.1),
                   orientation="RIGHT"),
            sprite("leftTruck", "Missile",
                   sprite("fastLtruck", speed=0.2),
                   sprite("slowLtruck", speed=0.1),
                   orientation="LEFT"),
        ),
        sprite("avatar", "MovingAvatar"),
        sprite("wall", "Immovable"),
    ),
    legend={
        "+": ("grass",),
        ".": ("highway", "grass"),
        "w": ("wall", "grass"),
        "g": ("grass", "goal"),
        "0": ("water", "grass"),
        "=": ("log", "water"),
        "1": ("forestDense", "water"),
        "2": ("forestDense", "log"),
        "3": ("forestSparse", "water"),
        "4": ("forestSparse", "log"),
        "-": ("highway", "slowRtruck"),
        "x": ("highway", "fastRtruck"),
        "_": ("highway", "slowLtruck"),
        "l": ("highway", "fastLtruck"),
        "A": ("avatar", "grass"),
        "B": ("avatar", "log", "water"),
    },
    interactions=(
        rule("avatar", EOS, effect="stepBack"),
        rule("log", EOS, effect="killSprite"),
        rule("truck", EOS, effect="wrapAround"),
        rule("goal", "avatar", effect="killSprite", score=1),
        rule("avatar", "log", effect="shieldFrom", stype="water", ftype="killSprite"),
        rule("avatar", "log", effect="pullWithIt"),
        rule("avatar", "wall", effect="stepBack"),
        rule("avatar", "truck", effect="killSprite"),
        rule("avatar", "water", effect="killSprite"),
    ),
    terminations=(
        SpriteCounter("goal", win=True),
        SpriteCounter("avatar", win=False),
    ),
)
