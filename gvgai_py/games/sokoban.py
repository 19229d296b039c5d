"""Sokoban: push every box into a hole.

Java GVGAI's VGDL game ``examples/gridphysics/sokoban.txt`` (docs/engine.md, "Sokoban quirks").

The avatar pushes a box it walks into one cell on (docs/engine.md, "bounceForward"). A box
pushed into a wall or into another box undoes the whole tick: the box and the avatar both stay
where they were (docs/engine.md, "undoAll"). A box that reaches a hole falls in and is gone.
The avatar walks over holes freely, and nothing can kill it: a game not won runs until the
step limit.

Actions: NIL, LEFT, RIGHT, DOWN, UP (one cell per tick, no facing).
Score: +1 per box in a hole; the win comes with the last one.
"""

from gvgai_py.engine import GameDescription, SpriteCounter, rule, sprite

SOKOBAN = GameDescription(
    name="sokoban",
    sprites=(
        sprite("floor", "Immovable"),
        sprite("hole", "Immovable"),
        sprite("avatar", "MovingAvatar"),
        sprite("box", "Passive"),
        sprite("wall", "Immovable"),
    ),
    legend={
        ".": ("floor",),
        "w": ("floor", "wall"),
        "A": ("floor", "avatar"),
        "0": ("floor", "hole"),
        "1": ("floor", "box"),
    },
    interactions=(
        rule("avatar", "wall", effect="stepBack"),
        rule("box", "avatar", effect="bounceForward"),
        rule("box", "wall", "box", effect="undoAll"),
        rule("box", "hole", effect="killSprite", score=1),
    ),
    terminations=(SpriteCounter("box", win=True),),
)
