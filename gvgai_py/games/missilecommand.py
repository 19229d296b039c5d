"""Missile Command: missiles home in on the cities; explode them in the sky before they land.

Java GVGAI's VGDL game ``examples/gridphysics/missilecommand.txt`` (docs/engine.md, "Missile
Command quirks").

Each incoming missile (``ontology.sprites.npc.Chaser``) heads for the nearest city, slow ones at
speed 0.1 (1 px a tick at B = 10) and fast ones at 0.3 (3 px a tick), by steps that bring it
closer (docs/engine.md, "Chaser and Fleeing"). A missile that reaches a city destroys it and
itself. The avatar (``ontology.avatar.oriented.ShootAvatar``) flies anywhere inside the walls
and sets off an explosion in the cell it faces, a Flicker that lasts 7 ticks and destroys every
missile it touches (docs/engine.md, "Sprite classes").

Actions: NIL, USE (explode), LEFT, RIGHT, DOWN, UP. The avatar turns in place before moving.
Score: +2 per missile exploded, -1 per city lost. The game is lost once every city is gone
(checked first) and won once no missile is left.
"""

from gvgai_py.engine import GameDescription, SpriteCounter, rule, sprite

MISSILECOMMAND = GameDescription(
    name="missilecommand",
    sprites=(
        sprite("floor", "Immovable"),
        sprite("city", "Immovable"),
        sprite("explosion", "Flicker", limit=5, symbol="*"),
        sprite(
            "movable", None,
            sprite("avatar", "ShootAvatar", stype="explosion"),
            sprite("incoming", None,
                   sprite("incoming_slow", "Chaser", stype="city", speed=0.1),
                   sprite("incoming_fast", "Chaser", stype="city", speed=0.3)),
        ),
        sprite("wall", "Immovable"),
    ),
    legend={
        ".": ("floor",),
        "w": ("wall",),
        "A": ("floor", "avatar"),
        "c": ("floor", "city"),
        "m": ("floor", "incoming_slow"),
        "f": ("floor", "incoming_fast"),
    },
    interactions=(
        rule("movable", "wall", effect="stepBack"),
        rule("incoming", "city", effect="killBoth", score=-1),
        rule("incoming", "explosion", effect="killSprite", score=2),
    ),
    terminations=(
        SpriteCounter("city", win=False),
        SpriteCounter("incoming", win=True),
    ),
)
