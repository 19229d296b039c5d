"""Zelda: take the key, then reach the door; the sword kills monsters.

Java GVGAI's VGDL game ``examples/gridphysics/zelda.txt`` (docs/engine.md, "Zelda quirks").

Actions: NIL, USE (sword), LEFT, RIGHT, DOWN, UP. The avatar turns in place before moving.
Score: +1 key, +1 door, +2 per monster killed, -1 per monster touching the avatar.
"""

from gvgai_py.engine import GameDescription, SpriteCounter, rule, sprite

ZELDA = GameDescription(
    name="zelda",
    sprites=(
        sprite("floor", "Immovable"),
        sprite("goal", "Door"),
        sprite("key", "Immovable"),
        sprite("sword", "OrientedFlicker", limit=5, singleton=True, symbol="/"),
        sprite(
            "movable", None,
            sprite("avatar", "ShootAvatar",
                   sprite("nokey"),
                   sprite("withkey", symbol="K"),
                   stype="sword"),
            sprite("enemy", "RandomNPC",
                   sprite("monsterQuick", cooldown=2, cons=6),
                   sprite("monsterNormal", cooldown=4, cons=8),
                   sprite("monsterSlow", cooldown=8, cons=12)),
            sprite("wall", "Immovable"),
        ),
    ),
    legend={
        ".": ("floor",),
        "w": ("wall",),
        "A": ("floor", "nokey"),
        "+": ("floor", "key"),
        "g": ("floor", "goal"),
        "1": ("floor", "monsterQuick"),
        "2": ("floor", "monsterNormal"),
        "3": ("floor", "monsterSlow"),
    },
    interactions=(
        rule("movable", "wall", effect="stepBack"),
        rule("nokey", "goal", effect="stepBack"),
        rule("goal", "withkey", effect="killSprite", score=1),
        rule("enemy", "sword", effect="killSprite", score=2),
        rule("enemy", "enemy", effect="stepBack"),
        rule("avatar", "enemy", effect="killSprite", score=-1),
        rule("nokey", "key", effect="transformTo", score=1, stype="withkey", killSecond=True),
    ),
    terminations=(
        SpriteCounter("goal", win=True),
        SpriteCounter("avatar", win=False),
    ),
)
