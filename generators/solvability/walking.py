"""The avatar on the grid, for the search domains: where it is, where it faces, how it walks.

Cells are flat indices (row * cols + col), as in :mod:`generators.planning`.
"""

from __future__ import annotations

from collections.abc import Iterable

from gvgai_generators.planning import grid_moves
from gvgai_generators.solvability.core import UNREACHABLE
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


def avatar_cell(game: Game) -> int:
    """The cell under the avatar's centre (the nearest border cell when it is off-screen)."""
    avatar, block = game.avatar, game.block
    half = block // 2
    row = min(max((avatar.y + half) // block, 0), game.rows - 1)
    col = min(max((avatar.x + half) // block, 0), game.cols - 1)
    return row * game.cols + col


def distances(game: Game, targets: Iterable[int], blocked: set[int]) -> list[float]:
    """Steps from every cell to the nearest target, moving between cells not ``blocked``.

    Returns a flat list of length rows * cols; ``UNREACHABLE`` where no target can be reached.
    Targets count as reachable even when blocked (a door, a diamond under attack).
    """
    moves = grid_moves(game.rows, game.cols)
    distance = [UNREACHABLE] * (game.rows * game.cols)
    frontier = list(targets)
    for target in frontier:
        distance[target] = 0
    steps = 0
    while frontier:
        steps += 1
        reached = []
        for cell in frontier:
            for _, nxt in moves[cell]:
                if distance[nxt] == UNREACHABLE and nxt not in blocked:
                    distance[nxt] = steps
                    reached.append(nxt)
        frontier = reached
    return distance


def downhill_move(game: Game, distance: list[float], here: int) -> str | None:
    """The move to a neighbour nearer the target (the avatar's facing first); None if none."""
    best, best_distance = None, distance[here]
    faced = facing(game)
    for move, cell in sorted(grid_moves(game.rows, game.cols)[here], key=lambda m: m[0] != faced):
        if distance[cell] < best_distance:
            best, best_distance = move, distance[cell]
    return best
