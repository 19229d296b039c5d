"""Frogs' search domain: cross road and river by timing, every primitive action a move.

Logs and trucks do not depend on the frog, so (tick, position) is the whole state. The
solvability check plans Frogs levels with :func:`generators.frogs_timing.plan_crossing` first,
so this search only sees levels outside that planner's model.
"""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.planning import cells_of
from gvgai_generators.solvability.core import Option, SearchDomain, play_actions
from gvgai_generators.solvability.walking import avatar_cell, steps_from
from gvgai_py.engine import Game

TICK_WEIGHT = 0.01
"""Nearly greedy: waiting on the best bank cell for a log beats widening to every cell."""


def domain(start: Game) -> SearchDomain:
    """The heuristic is the walking distance to the goal around the trees."""
    to_goal = steps_from(start, cells_of(start, "goal"), cells_of(start, "wall"))
    actions = start.compiled.actions

    def heuristic(game: Game) -> float:
        return to_goal[avatar_cell(game)]

    def options(game: Game) -> list[Option]:
        return [play_actions([action]) for action in actions]

    def state_key(game: Game) -> Hashable:
        return (game.tick, game.avatar.x, game.avatar.y)

    return SearchDomain(options, heuristic, state_key, TICK_WEIGHT)
