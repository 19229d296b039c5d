"""Boulderdash: dig, collect 9 diamonds, leave through the exit.

Java GVGAI's VGDL game ``examples/gridphysics/boulderdash.txt`` (docs/engine.md, "Boulderdash
quirks").

Actions: NIL, USE (pickaxe), LEFT, RIGHT, DOWN, UP. The avatar turns in place before moving.
Score: +2 per diamond, +1 per butterfly a crab turns into a diamond, -1 per lethal contact.
"""

from gvgai_py.engine import GameDescription, SpriteCounter, rule, sprite

BOULDERDASH = GameDescription(
    name="boulderdash",
    sprites=(
        sprite("background", "Immovable"),
        sprite("wall", "Immovable"),
        sprite("sword", "Flicker", limit=1, singleton=True, symbol="/"),
        sprite("dirt", "Immovable"),
        sprite("exitdoor", "Door"),
        sprite("diamond", "Resource", limit=10),
        sprite("boulder", "Missile", orientation="DOWN", speed=0.2),
        sprite(
            "moving", None,
            sprite("avatar", "ShootAvatar", stype="sword"),
            sprite("enemy", "RandomNPC",
                   sprite("crab"),
                   sprite("butterfly"),
                   cons=1),
        ),
    ),
    legend={
        ".": ("background", "dirt"),
        "-": ("background",),
        "w": ("wall",),
        "e": ("background", "exitdoor"),
        "o": ("background", "boulder"),
        "x": ("background", "diamond"),
        "c": ("background", "crab"),
        "b": ("background", "butterfly"),
        "A": ("background", "avatar"),
    },
    interactions=(
        rule("dirt", "avatar", effect="killSprite"),
        rule("dirt", "sword", effect="killSprite"),
        rule("diamond", "avatar", effect="collectResource", score=2),
        rule("moving", "wall", effect="stepBack"),
        rule("moving", "boulder", effect="stepBack"),
        rule("avatar", "boulder", effect="killIfFromAbove", score=-1),
        rule("avatar", "butterfly", effect="killSprite", score=-1),
        rule("avatar", "crab", effect="killSprite", score=-1),
        rule("boulder", "dirt", "wall", "diamond", "boulder", effect="stepBack"),
        rule("enemy", "dirt", "diamond", effect="stepBack"),
        rule("crab", "butterfly", effect="killSprite"),
        rule("butterfly", "crab", effect="transformTo", score=1, stype="diamond"),
        rule("exitdoor", "avatar", effect="killIfOtherHasMore", resource="diamond", limit=9),
    ),
    terminations=(
        SpriteCounter("avatar", win=False),
        SpriteCounter("exitdoor", win=True),
    ),
)
