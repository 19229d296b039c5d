"""Missile Command's search domain: explode the incoming missiles before they reach the cities.

The game is won once no missile is left and lost once no city is: a missile that reaches a city
is gone too, so a level is won by exploding enough of them while letting the rest land on
cities that can be spared.
"""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.solvability.core import SearchDomain
from gvgai_generators.solvability.walking import shooting_options
from gvgai_py.engine import Game

MISSILE_COST = 30
"""Heuristic cost of each missile still flying: more than the avatar's walk across the
level, so that one fewer missile always looks like progress to the greedy search."""
TICK_WEIGHT = 0.05


def domain(start: Game) -> SearchDomain:
    """Options: wait, explode, turn, or turn and step, as in Zelda. The heuristic counts the
    missiles left and the avatar's cells to the nearest of them."""
    compiled = start.compiled
    incoming = compiled.leaf_ids("incoming")
    cities = compiled.leaf_ids("city")
    block = start.block

    def heuristic(game: Game) -> float:
        avatar = game.avatar
        distance = min(
            (abs(m.x - avatar.x) + abs(m.y - avatar.y)
             for tid in incoming for m in game.dynamic[tid] if not m.killed),
            default=0,
        )
        return MISSILE_COST * game.count(incoming) + distance / block

    def state_key(game: Game) -> Hashable:
        avatar = game.avatar
        missiles = tuple(sorted((m.x, m.y) for tid in incoming for m in game.dynamic[tid]))
        return (game.tick, avatar.x, avatar.y, avatar.dx, avatar.dy, missiles,
                game.count(cities))

    return SearchDomain(shooting_options, heuristic, state_key, TICK_WEIGHT)
