"""The avatar on the grid, for the search domains: where it is, where it faces, how it walks.

Cells are flat indices (row * cols + col), as in :mod:`generators.planning`; distances between
them come from :func:`generators.grid.breadth_first`.
"""

from __future__ import annotations

from collections.abc import Iterable

from gvgai_generators.grid import breadth_first, grid_moves
from gvgai_generators.solvability.core import Option, play_actions
from gvgai_py.engine import Game
from gvgai_py.engine.compiler import ACTION_DIRECTIONS

MOVES = ("LEFT", "RIGHT", "DOWN", "UP")


def facing(game: Game) -> str | None:
    """The move the avatar faces (None when its direction is no move, e.g. standing still)."""
    avatar = game.avatar
    for name in MOVES:
        if ACTION_DIRECTIONS[name] == (avatar.dx, avatar.dy):
            return name
    return None


def oriented_step(game: Game, move: str) -> list[str]:
    """Actions that move an oriented avatar one cell: a turn first unless it faces ``move``."""
    return [move] if facing(game) == move else [move, move]


def shooting_options(game: Game) -> list[Option]:
    """The options of an oriented avatar that shoots (ShootAvatar): wait, shoot, step one cell
    each way (turning first where needed), or only turn to face a way."""
    found = [play_actions(["NIL"]), play_actions(["USE"])]
    for move in MOVES:
        found.append(play_actions(oriented_step(game, move)))
        if facing(game) != move:
            found.append(play_actions([move]))
    return found


def avatar_cell(game: Game) -> int:
    """The cell under the avatar's centre (the nearest border cell when it is off-screen)."""
    avatar, block = game.avatar, game.block
    half = block // 2
    row = min(max((avatar.y + half) // block, 0), game.rows - 1)
    col = min(max((avatar.x + half) // block, 0), game.cols - 1)
    return row * game.cols + col


def steps_from(game: Game, sources: Iterable[int], blocked: set[int]) -> list[float]:
    """:func:`generators.grid.breadth_first` on ``game``'s grid: steps from the nearest of
    ``sources`` to every cell, never entering a ``blocked`` cell (sources count even so)."""
    return breadth_first(game.rows, game.cols, sources, blocked)


def downhill_move(game: Game, distance: list[float], here: int) -> str | None:
    """The move to a neighbour nearer the target (the avatar's facing first); None if none."""
    best, best_distance = None, distance[here]
    faced = facing(game)
    for move, cell in sorted(grid_moves(game.rows, game.cols)[here], key=lambda m: m[0] != faced):
        if distance[cell] < best_distance:
            best, best_distance = move, distance[cell]
    return best
