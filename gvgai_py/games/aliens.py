"""Aliens: a Space Invaders-like game. Shoot the aliens that march across the sky before
their bombs or their descent reach the ship.

Java GVGAI's VGDL game ``examples/gridphysics/aliens.txt`` (docs/engine.md, "Aliens quirks").

A portal in the sky releases 20 aliens, one every 16 ticks (slow portal) or 12 (fast portal).
An alien (``ontology.sprites.producer.Bomber``) marches right, 8 px every third tick at B = 10,
and drops a bomb where it stands with chance 0.01 on its spawning ticks; at the edge of the
level it comes back, drops two moves and marches the other way (docs/engine.md, "Bomber" and
"turnAround"). The ship (``ontology.avatar.FlakAvatar``) moves along its row and fires one
missile straight up at a time (``sam``, a singleton). Bombs and missiles eat away the bases
they hit, and an alien flattens any base it walks into.

Actions: NIL, USE (fire), LEFT, RIGHT (docs/engine.md, "Sprite classes").
Score: +2 per alien shot, +1 per piece of base shot away, -1 for the ship hit by an alien or a
bomb (the loss). The game is won once the portals are spent and no alien is left.
"""

from gvgai_py.engine import EOS, GameDescription, MultiSpriteCounter, SpriteCounter, rule, sprite

ALIENS = GameDescription(
    name="aliens",
    sprites=(
        # Java defines a wall type in every game (docs/vgdl.md, "Classes"); no level uses it
        # here, but it keeps the types (the observation's channels) those of Java's game.
        sprite("wall", "Immovable"),
        sprite("background", "Immovable"),
        sprite("base", "Immovable"),
        sprite("avatar", "FlakAvatar", stype="sam"),
        sprite("missile", "Missile",
               sprite("sam", orientation="UP", singleton=True, symbol="|"),
               sprite("bomb", orientation="DOWN", speed=0.5, symbol="*")),
        sprite("alien", "Bomber",
               sprite("alienGreen", symbol="G"),
               sprite("alienBlue", symbol="B"),
               stype="bomb", prob=0.01, cooldown=3, speed=0.8),
        sprite("portal", None,
               sprite("portalSlow", "SpawnPoint", stype="alienBlue", cooldown=16, total=20),
               sprite("portalFast", "SpawnPoint", stype="alienGreen", cooldown=12, total=20)),
    ),
    legend={
        "w": ("wall",),
        ".": ("background",),
        "0": ("background", "base"),
        "1": ("background", "portalSlow"),
        "2": ("background", "portalFast"),
        "A": ("background", "avatar"),
    },
    interactions=(
        rule("avatar", EOS, effect="stepBack"),
        rule("alien", EOS, effect="turnAround"),
        rule("missile", EOS, effect="killSprite"),
        rule("base", "bomb", effect="killBoth"),
        rule("base", "sam", effect="killBoth", score=1),
        rule("base", "alien", effect="killSprite"),
        rule("avatar", "alien", effect="killSprite", score=-1),
        rule("avatar", "bomb", effect="killSprite", score=-1),
        rule("alien", "sam", effect="killSprite", score=2),
    ),
    terminations=(
        SpriteCounter("avatar", win=False),
        MultiSpriteCounter(("portal", "alien"), win=True),
    ),
)
