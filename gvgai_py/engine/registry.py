"""Compiled games are built once per (description, block size) and shared."""

from __future__ import annotations

from gvgai_py.engine.compiler import CompiledGame
from gvgai_py.engine.description import GameDescription

_CACHE: dict[tuple[int, int], CompiledGame] = {}


def compiled(description: GameDescription, block: int = 10) -> CompiledGame:
    """The shared :class:`CompiledGame` for a description at a block size."""
    key = (id(description), block)
    game = _CACHE.get(key)
    if game is None or game.description is not description:
        game = _CACHE[key] = CompiledGame(description, block)
    return game
