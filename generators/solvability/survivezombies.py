"""Survive Zombies' search domain: stay alive until the game's Timeout wins.

Nothing needs to be reached, so the heuristic is the ticks left to the Timeout, made worse for
every zombie close to the avatar and better for every health point held: the greedy search keeps
walking away from the zombies (which chase greedily and stick to walls) and picks up honey, and
backs off from a tick only when every move from it dies.
"""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.solvability.core import SearchDomain, play_actions
from gvgai_py.engine import Game

NEAR = 3
"""Zombies closer than this many cells (along the axes) count as a danger..."""
DANGER = 20
"""...each costing this many ticks per cell closer."""
HEALTH_WORTH = 15
"""Ticks a health point is worth: each is one more zombie's touch survived."""
TICK_WEIGHT = 0.0
"""Greedy: every live state is as far from the win as its tick says."""


def domain(start: Game) -> SearchDomain:
    """Options: the game's actions, one tick each."""
    (limit,) = (t.limit for t in start.compiled.terminations if t.timeout and t.win)
    zombies = start.compiled.leaf_ids("zombie")
    moves = [play_actions([action]) for action in start.compiled.actions]
    block = start.block

    def heuristic(game: Game) -> float:
        avatar = game.avatar
        danger = 0
        for tid in zombies:
            for zombie in game.dynamic[tid]:
                cells = (abs(zombie.x - avatar.x) + abs(zombie.y - avatar.y)) / block
                danger += max(0.0, NEAR - cells)
        return limit - game.tick + DANGER * danger - HEALTH_WORTH * avatar.health

    def state_key(game: Game) -> Hashable:
        avatar = game.avatar
        others = sorted((s.x, s.y) for tid in zombies for s in game.dynamic[tid])
        return (game.tick, avatar.x, avatar.y, avatar.health, tuple(others))

    return SearchDomain(lambda game: moves, heuristic, state_key, TICK_WEIGHT)
