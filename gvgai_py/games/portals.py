"""Portals: find the way to the goal through rooms joined only by portals, dodging bullets.

Java GVGAI's VGDL game ``examples/gridphysics/portals.txt`` (docs/engine.md, "Portals quirks").

Walls split the level into rooms. Stepping onto a portal entry sends the avatar to an exit of
its colour, drawn at random among all of them (docs/engine.md, "teleportToExit"), so a room can
lead to several. Any bullet the avatar touches kills it: sitting ones never move, random ones
wander a cell every 5 ticks at B = 10 (speed 0.25 is 2 px a tick) and stay out of walls, goals
and portals, straight ones fly up or left a cell every 2 ticks and turn back at walls. Being
built by GVGAI's parser, the goal is an Immovable (its group's class) and the exits are too.

Actions: NIL, LEFT, RIGHT, DOWN, UP (one cell per tick, no facing).
Score: +1 for reaching the goal (the win); dying costs nothing.
"""

from gvgai_py.engine import GameDescription, SpriteCounter, rule, sprite

PORTALS = GameDescription(
    name="portals",
    sprites=(
        sprite("floor", "Immovable"),
        sprite(
            "bullet", None,
            sprite("sitting", "Immovable"),
            sprite("random", "RandomNPC", speed=0.25, cons=1),
            sprite("straight", "Missile",
                   sprite("vertical", orientation="UP"),
                   sprite("horizontal", orientation="LEFT"),
                   speed=0.5),
        ),
        sprite(
            "structure", "Immovable",
            sprite("goal"),
            sprite("portalentry", "Portal",
                   sprite("entry1", stype="exit1"),
                   sprite("entry2", stype="exit2")),
            sprite("portalexit", None,
                   sprite("exit1"),
                   sprite("exit2")),
        ),
        sprite("avatar", "MovingAvatar"),
        sprite("wall", "Immovable"),
    ),
    legend={
        "+": ("floor",),
        "w": ("floor", "wall"),
        "A": ("floor", "avatar"),
        "g": ("floor", "goal"),
        "x": ("floor", "sitting"),
        "r": ("floor", "random"),
        "v": ("floor", "vertical"),
        "h": ("floor", "horizontal"),
        "i": ("floor", "entry1"),
        "o": ("floor", "exit1"),
        "2": ("floor", "entry2"),
        "3": ("floor", "exit2"),
    },
    interactions=(
        rule("random", "wall", "structure", effect="stepBack"),
        rule("avatar", "wall", effect="stepBack"),
        rule("goal", "avatar", effect="killSprite", score=1),
        rule("avatar", "bullet", effect="killSprite"),
        rule("straight", "wall", effect="reverseDirection"),
        rule("avatar", "portalentry", effect="teleportToExit"),
    ),
    terminations=(
        SpriteCounter("goal", win=True),
        SpriteCounter("avatar", win=False),
    ),
)
