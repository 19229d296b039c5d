"""Solarfox: the ship never stops; collect every blib, avoid the enemies.

Java GVGAI's VGDL game ``examples/gridphysics/solarfox.txt`` (docs/engine.md, "Solarfox quirks").

Actions: NIL (keep going), LEFT, RIGHT, DOWN, UP (steer at once, reversal included).
Score: +1 per blib, +1 per activated powerblib, -10 per lethal sprite touched on death.
"""

from gvgai_py.engine import GameDescription, MultiSpriteCounter, SpriteCounter, rule, sprite

SOLARFOX = GameDescription(
    name="solarfox",
    sprites=(
        sprite("floor", "Immovable"),
        sprite("enemyground", "Immovable"),
        sprite("avatar", "OngoingAvatar", speed=0.15),
        sprite("powerblib", "Passive"),
        sprite("powerblibturning", "Flicker", limit=8, symbol="*"),
        sprite("blib", "Passive"),
        sprite("enemy", "Missile",
               sprite("top", orientation="RIGHT"),
               sprite("btm", orientation="LEFT"),
               cooldown=3),
        # Shots fly off-screen and never touch anything again; Java keeps them for ever
        # (docs/engine.md, "Sprites outside the level").
        sprite("shot", "Missile",
               sprite("upshot", orientation="UP", symbol="^"),
               sprite("downshot", orientation="DOWN", symbol="v"),
               speed=0.15, forget_offscreen=True),
        sprite("res", "Resource", value=0, limit=4, symbol="r"),
        sprite("wall", "Immovable"),
    ),
    legend={
        "+": ("floor",),
        "b": ("floor", "blib"),
        "p": ("floor", "powerblib"),
        "2": ("floor", "top", "enemyground"),
        "1": ("floor", "btm", "enemyground"),
        ".": ("enemyground",),
        "w": ("wall",),
        "A": ("floor", "avatar"),
    },
    interactions=(
        rule("avatar", "wall", effect="killSprite", score=-10),
        rule("avatar", "enemy", effect="killSprite", score=-10),
        rule("avatar", "enemyground", effect="killSprite", score=-10),
        rule("avatar", "shot", effect="killSprite", score=-10),
        rule("blib", "avatar", effect="killSprite", score=1),
        rule("powerblib", "powerblibturning", effect="spawnIfHasMore",
             resource="res", stype="blib", limit=2),
        rule("powerblib", "powerblibturning", effect="changeResource", resource="res", value=1),
        rule("powerblibturning", "avatar", effect="killSprite"),
        rule("powerblib", "blib", effect="killSprite", score=1),
        rule("powerblib", "avatar", effect="spawn", stype="powerblibturning"),
        rule("enemy", "wall", effect="reverseDirection"),
        rule("btm", "enemyground", effect="spawn", stype="upshot", prob=0.02),
        rule("top", "enemyground", effect="spawn", stype="downshot", prob=0.02),
    ),
    terminations=(
        SpriteCounter("avatar", win=False),
        MultiSpriteCounter(("blib", "powerblib"), win=True),
    ),
)
