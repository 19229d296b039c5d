"""Sokoban's search domain: push every box into a hole. Nothing moves unless the avatar pushes
it, so the avatar's cell and the boxes' cells are the whole state.

A box can only be pushed, never pulled: a box on a cell from which no pushes lead to a hole can
never be cleared, and a state with one is dropped.
"""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.grid import UNREACHABLE, breadth_first, grid_moves
from gvgai_generators.planning import cells_of
from gvgai_generators.solvability.core import SearchDomain, play_actions
from gvgai_generators.solvability.walking import MOVES, avatar_cell
from gvgai_py.engine import Game

TICK_WEIGHT = 0.5
"""Between greedy and A*: witnesses stay close to the shortest on our small levels, and the
search still dives towards the holes."""
OPTIONS = tuple(play_actions([move]) for move in MOVES)


def push_distances(rows: int, cols: int, holes: set[int], walls: set[int]) -> list[float]:
    """For every flat cell, the fewest pushes that take a box there into a hole, with walls
    alone in the way (other boxes ignored); :data:`UNREACHABLE` for a dead cell.

    A backward breadth-first search from the holes: a push in direction d takes a box from
    ``p`` to ``p + d`` and needs the avatar on ``p - d``, so both must be free of walls.
    """
    moves = grid_moves(rows, cols)

    def pushable(target: int, box: int) -> bool:
        # The box comes to ``target`` from ``box``, pushed from the cell beyond it.
        stand = 2 * box - target
        return stand not in walls and any(cell == stand for _, cell in moves[box])

    return breadth_first(rows, cols, holes, walls, pushable)


def domain(start: Game) -> SearchDomain:
    """Options: the four moves. The heuristic is the pushes the boxes still need (each push is
    a tick) plus the avatar's way to the nearest box."""
    rows, cols = start.rows, start.cols
    to_hole = push_distances(rows, cols, cells_of(start, "hole"), cells_of(start, "wall"))

    def boxes(game: Game) -> tuple[int, ...]:
        return tuple(sorted(cells_of(game, "box")))

    def heuristic(game: Game) -> float:
        left = boxes(game)
        if not left:
            return 0.0
        pushes = sum(to_hole[box] for box in left)
        if pushes == UNREACHABLE:
            return UNREACHABLE
        row, col = divmod(avatar_cell(game), cols)
        walk = min(abs(row - r) + abs(col - c) for r, c in (divmod(b, cols) for b in left))
        return pushes + walk - 1

    def state_key(game: Game) -> Hashable:
        return (game.avatar.x, game.avatar.y, boxes(game))

    return SearchDomain(lambda game: OPTIONS, heuristic, state_key, TICK_WEIGHT)
