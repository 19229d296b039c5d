"""Survive Zombies: stay alive for 1000 ticks while zombies rise from the graves.

Java GVGAI's VGDL game ``examples/gridphysics/survivezombies.txt`` (docs/engine.md,
"Survive Zombies quirks").

Graves (SpawnPoints) raise zombies, Chasers of the avatar that move half a cell every sixth
tick (docs/engine.md, "Chaser and Fleeing"); flowers release bees, RandomNPCs that move a cell
every third tick: a bee that meets a zombie kills it and turns into honey. The avatar has one
health point and holds at most 9: honey adds one, a zombie's touch takes one (and the zombie
dies), and at 0 the avatar dies (docs/engine.md, "Health points"). Stepping onto a grave kills
the avatar outright. Surviving the tick whose index reaches 1000 wins (docs/engine.md,
"Timeout"); Java reports such a win with a score of 0 or less as 1 (docs/engine.md, "Score").

Actions: NIL, LEFT, RIGHT, DOWN, UP (one cell per tick, no facing).
Score: +1 per honey eaten, -1 per zombie's touch, -1 for stepping onto a grave.
"""

from gvgai_py.engine import GameDescription, SpriteCounter, Timeout, rule, sprite

SURVIVEZOMBIES = GameDescription(
    name="survivezombies",
    sprites=(
        sprite("floor", "Immovable"),
        sprite("flower", "SpawnPoint", stype="bee", prob=0.02),
        sprite(
            "hell", None,
            sprite("fastHell", "SpawnPoint", stype="zombie", prob=0.05),
            sprite("slowHell", "SpawnPoint", stype="zombie", prob=0.03),
        ),
        sprite("honey", "Passive"),
        sprite(
            "moving", None,
            sprite("avatar", "MovingAvatar", healthPoints=1, limitHealthPoints=10),
            sprite("bee", "RandomNPC", speed=1.0, cooldown=3),
            sprite("zombie", "Chaser", stype="avatar", cooldown=6, speed=0.5),
        ),
        sprite("wall", "Immovable"),
    ),
    legend={
        "+": ("floor",),
        ".": ("floor", "honey"),
        "w": ("wall",),
        "A": ("floor", "avatar"),
        "0": ("floor", "flower"),
        "1": ("floor", "slowHell"),
        "2": ("floor", "fastHell"),
        "-": ("floor", "zombie"),
    },
    interactions=(
        rule("avatar", "honey", effect="addHealthPoints", score=1, killSecond=True),
        rule("moving", "wall", effect="stepBack"),
        rule("avatar", "zombie", effect="subtractHealthPoints", score=-1),
        rule("zombie", "avatar", effect="killSprite"),
        rule("bee", "zombie", effect="transformTo", stype="honey", killSecond=True),
        rule("avatar", "hell", effect="killSprite", score=-1),
    ),
    terminations=(
        Timeout(1000, win=True),
        SpriteCounter("avatar", win=False),
    ),
)
