"""Butterflies: catch every butterfly before they have opened all the cocoons.

Java GVGAI's VGDL game ``examples/gridphysics/butterflies.txt`` (docs/engine.md,
"Butterflies quirks").

The butterflies are RandomNPCs of speed 0.6 and ``cons`` 1: they move ⌊0.6 × B⌋ px on every
tick (6 px at B = 10, so they spend most ticks between cells) and draw a new direction every
second tick (docs/engine.md, "Sprite classes"). A butterfly that touches a cocoon clones itself
there (``cloneSprite``, a fresh butterfly with its type's defaults) and the cocoon dies
(docs/engine.md, "Effects"); the game is lost once no cocoon is left, won once no butterfly is.

Actions: NIL, LEFT, RIGHT, DOWN, UP (one cell per tick, no facing).
Score: +2 per butterfly caught.
"""

from gvgai_py.engine import GameDescription, SpriteCounter, rule, sprite

BUTTERFLIES = GameDescription(
    name="butterflies",
    sprites=(
        sprite("floor", "Immovable"),
        sprite("cocoon", "Immovable"),
        sprite(
            "animal", None,
            sprite("avatar", "MovingAvatar"),
            sprite("butterfly", "RandomNPC", speed=0.6, cons=1),
        ),
        sprite("wall", "Immovable"),
    ),
    legend={
        ".": ("floor",),
        "w": ("floor", "wall"),
        "A": ("floor", "avatar"),
        "0": ("floor", "cocoon"),
        "1": ("floor", "butterfly"),
    },
    interactions=(
        rule("animal", "wall", effect="stepBack"),
        rule("butterfly", "avatar", effect="killSprite", score=2),
        rule("butterfly", "cocoon", effect="cloneSprite"),
        rule("cocoon", "butterfly", effect="killSprite"),
    ),
    terminations=(
        SpriteCounter("butterfly", win=True),
        SpriteCounter("cocoon", win=False),
    ),
)
