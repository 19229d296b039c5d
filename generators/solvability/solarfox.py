"""Solarfox's search domain: visit every blib. The ship never stops and crosses a cell in
``block`` ticks.

The solvability check plans Solarfox levels with :func:`generators.solarfox_route.plan_route`
first, which flies the same flights against precomputed shots; this search only sees states
outside that planner's model, or a plan the engine did not confirm.
"""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.planning import cells_of
from gvgai_generators.solvability.core import Option, SearchDomain
from gvgai_generators.solvability.walking import MOVES, avatar_cell
from gvgai_py.engine import Game

ITEM_COST = 10
"""Heuristic cost of each blib still to collect beyond the nearest one: more than a typical
flight between blibs, so that taking one always looks like progress to the greedy search."""
TICK_WEIGHT = 0.02


def remaining(game: Game) -> set[int]:
    """The cells of the blibs and powerblibs still to collect."""
    return cells_of(game, "blib", "powerblib")


def fly(move: str) -> Option:
    """Steer ``move`` and fly on until the ship is on a cell again, so that the search moves
    over cells; passing through a powerblib keeps contact long enough to convert and eat it."""

    def play(game: Game) -> list[str]:
        played = [move]
        game.step(move)
        avatar, block = game.avatar, game.block
        while not game.ended and (avatar.x % block or avatar.y % block):
            game.step("NIL")
            played.append("NIL")
        return played

    return play


FLIGHTS = tuple(fly(move) for move in MOVES)


def heuristic(game: Game) -> float:
    """What is left to collect, plus the grid distance to the nearest of it."""
    left = remaining(game)
    if not left:
        return 0.0
    cols = game.cols
    row, col = divmod(avatar_cell(game), cols)
    nearest = min(abs(row - r) + abs(col - c) for r, c in (divmod(i, cols) for i in left))
    return ITEM_COST * (len(left) - 1) + nearest


def state_key(game: Game) -> Hashable:
    avatar = game.avatar
    return (avatar.x, avatar.y, avatar.dx, avatar.dy, frozenset(remaining(game)))


def domain(start: Game) -> SearchDomain:
    """Options: the four flights (:func:`fly`), whatever the state."""
    return SearchDomain(lambda game: FLIGHTS, heuristic, state_key, TICK_WEIGHT)
