"""Search domains for games won by catching every sprite of one type (Butterflies' butterflies,
Chase's scared goats): walk onto the nearest one, around the walls.

Walls never move, so the walking distance between every two cells is computed once per level;
the targets move by themselves (randomly or away from the avatar), so the search plays one tick
per option and lets the engine say where they went.
"""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.grid import UNREACHABLE
from gvgai_generators.planning import cells_of
from gvgai_generators.solvability.core import SearchDomain, play_actions
from gvgai_generators.solvability.walking import avatar_cell, steps_from
from gvgai_py.engine import Game

TARGET_COST = 30
"""Heuristic cost of each target beyond the nearest: more than a typical walk to the next one,
so that a catch always looks like progress to the greedy search."""
TICK_WEIGHT = 0.05
"""Nearly greedy: the targets move every tick, so waiting rarely brings a state back."""


def domain(start: Game, target: str, avoid: str | None = None) -> SearchDomain:
    """Options: the game's actions, one tick each. The heuristic is the walking distance to the
    nearest sprite of ``target`` plus :data:`TARGET_COST` per other one; with ``avoid``, a
    state whose avatar stands next to a sprite of that type (a hunter) is pruned."""
    walls = cells_of(start, "wall")
    cells = start.rows * start.cols
    walking = [steps_from(start, (cell,), walls) if cell not in walls else None
               for cell in range(cells)]
    moves = [play_actions([action]) for action in start.compiled.actions]
    targets = start.compiled.leaf_ids(target)
    hunters = () if avoid is None else start.compiled.leaf_ids(avoid)

    def heuristic(game: Game) -> float:
        here = walking[avatar_cell(game)]
        if here is None:
            return UNREACHABLE
        if hunters and any(here[cell] <= 1 for cell in _cells(game, hunters)):
            return UNREACHABLE
        found = _cells(game, targets)
        if not found:
            return 0.0
        count = sum(len(game.dynamic[tid]) for tid in targets)
        return TARGET_COST * (count - 1) + min(here[cell] for cell in found)

    def state_key(game: Game) -> Hashable:
        avatar = game.avatar
        others = sorted((tid, s.x, s.y) for tid in (*targets, *hunters) for s in game.dynamic[tid])
        return (game.tick, avatar.x, avatar.y, tuple(others))

    return SearchDomain(lambda game: moves, heuristic, state_key, TICK_WEIGHT)


def _cells(game: Game, tids: tuple[int, ...]) -> set[int]:
    """The cells that the moving sprites of these types overlap."""
    found: set[int] = set()
    for tid in tids:
        for sprite in game.dynamic[tid]:
            found.update(game.cell_keys(sprite.x, sprite.y))
    return found
