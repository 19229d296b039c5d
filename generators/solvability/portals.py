"""Portals' search domain: walk and teleport to the goal, out of the bullets' way.

Walls never move, so the way to the goal is measured once per level, through the portals: an
entry leads to the nearest of its exits (the engine draws one at random, and the search plays
the real draw).
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable

from gvgai_generators.grid import UNREACHABLE, grid_moves
from gvgai_generators.planning import cells_of
from gvgai_generators.solvability.core import SearchDomain, play_actions
from gvgai_generators.solvability.walking import avatar_cell
from gvgai_py.engine import Game

TICK_WEIGHT = 0.2
"""Some patience, as in Zelda: the search may wait for a bullet to pass."""


def steps_to_goal(game: Game) -> list[float]:
    """For every flat cell, the fewest moves from it to the goal, where stepping onto a portal
    entry lands on the nearest exit of its type (optimistic when it has several);
    :data:`UNREACHABLE` where walls, sitting bullets and portals lead nowhere.

    Dijkstra backwards from the goal: reaching an exit reaches, one move earlier, every cell
    beside an entry of that exit's type.
    """
    rows, cols = game.rows, game.cols
    moves = grid_moves(rows, cols)
    blocked = cells_of(game, "wall", "sitting")
    entries_to: dict[int, list[int]] = {}
    """Exit cell -> the entry cells that may send the avatar there."""
    entry_cells: set[int] = set()
    for tid in game.compiled.leaf_ids("portalentry"):
        exit_type = game.types[game.types[tid].params["stype"]].name
        here = cells_of(game, game.types[tid].name)
        entry_cells |= here
        for exit_cell in cells_of(game, exit_type):
            entries_to.setdefault(exit_cell, []).extend(here)
    distance = [UNREACHABLE] * (rows * cols)
    frontier = [(0, cell) for cell in sorted(cells_of(game, "goal"))]
    for _, cell in frontier:
        distance[cell] = 0
    while frontier:
        steps, cell = heapq.heappop(frontier)
        if steps > distance[cell]:
            continue
        # Cells one move away: the neighbours, or the cells beside entries leading here.
        doors = [cell, *entries_to.get(cell, ())]
        for door in doors:
            for _, before in moves[door]:
                if before in blocked or before in entry_cells or distance[before] <= steps + 1:
                    continue
                distance[before] = steps + 1
                heapq.heappush(frontier, (steps + 1, before))
    return distance


def domain(start: Game) -> SearchDomain:
    """Options: wait or move one cell. The heuristic is :func:`steps_to_goal`; a level whose
    goal no way reaches is pruned at once."""
    to_goal = steps_to_goal(start)
    options = [play_actions([action]) for action in start.compiled.actions]
    bullets = start.compiled.leaf_ids("random") + start.compiled.leaf_ids("straight")

    def heuristic(game: Game) -> float:
        return to_goal[avatar_cell(game)]

    def state_key(game: Game) -> Hashable:
        # No tick: where nothing moves, waiting leads nowhere new. The generator's state
        # stands for the draws to come, so a portal tried again after a bad draw is new.
        moving = sorted((s.x, s.y, s.dx, s.dy) for tid in bullets for s in game.dynamic[tid])
        draws = game.rng.bit_generator.state
        return (game.avatar.x, game.avatar.y, tuple(moving), draws["state"]["state"],
                draws["has_uint32"], draws["uinteger"])

    return SearchDomain(lambda game: options, heuristic, state_key, TICK_WEIGHT)
