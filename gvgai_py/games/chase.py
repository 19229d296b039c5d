"""Chase: catch the scared goats; a goat that finds a fallen one turns angry and hunts you.

Java GVGAI's VGDL game ``examples/gridphysics/chase.txt`` (docs/engine.md, "Chase quirks").

Scared goats are Fleeing sprites and angry goats Chasers, both of the avatar, moving a cell per
tick (docs/engine.md, "Chaser and Fleeing"). Touching a scared goat turns it into a carcass; a
scared goat that touches a carcass eats it (the carcass dies) and turns angry in the same tick,
and an angry goat that reaches the avatar kills it. The game is won once no scared goat is left,
so angry goats only need to be escaped, never caught.

Actions: NIL, LEFT, RIGHT, DOWN, UP (one cell per tick, no facing).
Score: +1 per goat caught, -1 when an angry goat catches the avatar.
"""

from gvgai_py.engine import GameDescription, SpriteCounter, rule, sprite

CHASE = GameDescription(
    name="chase",
    sprites=(
        sprite("floor", "Immovable"),
        sprite("carcass", "Immovable"),
        sprite(
            "goat", None,
            sprite("angry", "Chaser"),
            sprite("scared", "Fleeing"),
            stype="avatar",
        ),
        sprite("avatar", "MovingAvatar"),
        sprite("wall", "Immovable"),
    ),
    legend={
        ".": ("floor",),
        "w": ("floor", "wall"),
        "A": ("floor", "avatar"),
        # The goat is created before its floor, as the original mapping lists them.
        "0": ("scared", "floor"),
    },
    interactions=(
        rule("goat", "wall", "goat", effect="stepBack"),
        rule("avatar", "wall", effect="stepBack"),
        rule("avatar", "angry", effect="killSprite", score=-1),
        rule("carcass", "scared", effect="killSprite"),
        rule("scared", "avatar", effect="transformTo", score=1, stype="carcass"),
        rule("scared", "carcass", effect="transformTo", stype="angry"),
    ),
    terminations=(
        SpriteCounter("scared", win=True),
        SpriteCounter("avatar", win=False),
    ),
)
