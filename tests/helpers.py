"""Shared test helpers: build a :class:`Game` from a tiny level drawn as a string, and drive it.

Tests import this module as ``helpers`` (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable, Iterator
from itertools import repeat
from pathlib import Path

import numpy as np

from gvgai_py.engine import CompiledGame, Game, GameDescription, LevelLayout
from gvgai_py.engine.description import Interaction, SpriteNode, Termination
from gvgai_py.engine.sprites import RANDOM_NPC_CHOICES, Sprite
from gvgai_py.level import resolve_game

REPO = Path(__file__).resolve().parents[1]
ORIGINAL_LEVELS = Path(
    os.environ.get("GVGAI_ORIGINAL_LEVELS", REPO.parent / "shared" / "gvgai-reference" / "levels")
)
"""The GPL original GVGAI levels: read from outside the project, never copied into it."""
ORIGINALS_MISSING = f"original GVGAI levels not found in {ORIGINAL_LEVELS}"
OUR_LEVELS_DIR = REPO / "levels"
"""Our levels, ``<game>/lvl<N>.txt``; ``gvgai_py.envs.OUR_LEVELS`` is how many per game."""



def original_level(game: str, index: int) -> Path:
    return ORIGINAL_LEVELS / f"{game}_lvl{index}.txt"


NEWER_CLASSES_VGDL = """
BasicGame
    SpriteSet
        floor > Immovable
        hole > Immovable
        entry > Portal stype=hole
        bomb > Missile orientation=DOWN
        ufo > Bomber stype=bomb prob=0.3 cooldown=2 speed=1 orientation=RIGHT
        hunter > Chaser stype=avatar cooldown=2
        coward > Fleeing stype=avatar cooldown=2
        sam > Missile orientation=UP
        avatar > FlakAvatar stype=sam
        wall > Immovable
    LevelMapping
        . > floor
        h > floor hole
        e > floor entry
        u > floor ufo
        c > floor hunter
        f > floor coward
        A > floor avatar
    InteractionSet
        avatar wall > stepBack
        hunter wall > stepBack
        coward wall > stepBack
        ufo wall > turnAround
        bomb wall > killSprite
        sam wall > killSprite
        avatar entry > teleportToExit
    TerminationSet
        SpriteCounter stype=avatar limit=0 win=False
"""
"""A VGDL game with a type of each sprite class that the first four games lack (FlakAvatar,
Bomber, Chaser, Fleeing, Portal), for rendering and play."""
NEWER_CLASSES_LEVEL = """
    wwwwwwwww
    wu......w
    w.e...h.w
    w.c...f.w
    w...A...w
    wwwwwwwww
"""


def newer_classes_game() -> GameDescription:
    """:data:`NEWER_CLASSES_VGDL` read, as the game ``newclasses``."""
    from gvgai_py.vgdl import parse_vgdl

    return parse_vgdl(NEWER_CLASSES_VGDL, name="newclasses")


EMPTY = "."
"""The empty-cell character of every :func:`describe` game (a drawn space would be dedented)."""


def describe(
    legend: dict[str, str],
    *sprites: SpriteNode,
    rules: Iterable[Interaction] = (),
    terminations: Iterable[Termination] = (),
) -> GameDescription:
    """A throwaway game. ``legend`` maps a character to space-separated type names; ``.`` is an
    empty cell. The sprite set must contain an avatar type (the compiler requires one)."""
    return GameDescription(
        name="sandbox",
        sprites=sprites,
        legend={EMPTY: (), **{char: tuple(names.split()) for char, names in legend.items()}},
        interactions=tuple(rules),
        terminations=tuple(terminations),
    )


def level_rows(drawing: str) -> list[str]:
    """The rows of a level drawn in a (possibly indented) triple-quoted string."""
    return textwrap.dedent(drawing).strip("\n").split("\n")


def make_game(
    game: str | GameDescription,
    drawing: str,
    *,
    block: int = 10,
    rng: np.random.Generator | ScriptedRng | None = None,
    max_ticks: int | None = None,
) -> Game:
    """A fresh :class:`Game` of ``game`` (a name or a description) on the drawn level.

    The level goes straight to the engine (no :class:`~gvgai_py.Level` validation), so a test
    game may have no avatar on the map.
    """
    compiled_game = CompiledGame(resolve_game(game), block)
    layout = LevelLayout.from_rows(compiled_game, level_rows(drawing))
    return Game(layout, rng if rng is not None else np.random.default_rng(0), max_ticks)


def play(game: Game, actions: Iterable[str]) -> None:
    for action in actions:
        game.step(action)


def sprites_of(game: Game, name: str) -> list[Sprite]:
    """The present sprites of the leaf type ``name``, in creation order."""
    return game.sprites(game.compiled.leaf_id(name))


def only(game: Game, name: str) -> Sprite:
    """The one present sprite of the leaf type ``name``."""
    found = sprites_of(game, name)
    assert len(found) == 1, f"expected one {name}, found {found}"
    return found[0]


def cell(sprite: Sprite, block: int = 10) -> tuple[int, int]:
    """(row, col) of a grid-aligned sprite."""
    assert sprite.x % block == 0 and sprite.y % block == 0, f"{sprite} is between cells"
    return sprite.y // block, sprite.x // block


def facing(sprite: Sprite) -> tuple[int, int]:
    return sprite.dx, sprite.dy


class ScriptedRng:
    """Stands in for a game's ``np.random.Generator`` with chosen uniform numbers.

    ``random()`` returns the next number; ``integers(n)`` returns ``floor(u * n)`` for the next
    number ``u``. ``used`` counts the numbers handed out, so a test can see when draws happen.
    """

    def __init__(self, uniforms: Iterable[float]) -> None:
        self._uniforms: Iterator[float] = iter(uniforms)
        self.used = 0

    @classmethod
    def always(cls, value: float) -> ScriptedRng:
        return cls(repeat(value))

    def random(self) -> float:
        self.used += 1
        return next(self._uniforms)

    def integers(self, high: int) -> int:
        return int(self.random() * high)


def heading(direction: tuple[int, int]) -> float:
    """The uniform number that makes a RandomNPC draw ``direction``."""
    return (RANDOM_NPC_CHOICES.index(direction) + 0.5) / len(RANDOM_NPC_CHOICES)
