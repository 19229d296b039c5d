"""Zelda's search domain: the key, then the door. Walls never move, so distances to them are
computed once per level."""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.grid import UNREACHABLE
from gvgai_generators.planning import cells_of
from gvgai_generators.solvability.core import SearchDomain
from gvgai_generators.solvability.walking import avatar_cell, shooting_options, steps_from
from gvgai_py.engine import Game

TICK_WEIGHT = 0.2
"""Paths are short: some patience lets the search wait for a monster to move off them."""


def domain(start: Game) -> SearchDomain:
    """Options: wait, swing the sword, turn, or turn and step. The heuristic is the walking
    distance (key then door); a level whose key or door the walls cut off is pruned at once."""
    walls = cells_of(start, "wall")
    doors = cells_of(start, "goal")
    keys = cells_of(start, "key")
    to_door = steps_from(start, doors, walls)
    to_key = steps_from(start, keys, walls | doors)
    key_to_door = min((to_door[k] for k in keys), default=UNREACHABLE)
    has_key = set(start.compiled.leaf_ids("withkey"))
    enemies = start.compiled.leaf_ids("enemy")

    def heuristic(game: Game) -> float:
        here = avatar_cell(game)
        if game.avatar.tid in has_key:
            return to_door[here]
        return to_key[here] + key_to_door

    def state_key(game: Game) -> Hashable:
        avatar = game.avatar
        monsters = sorted((s.x, s.y) for tid in enemies for s in game.dynamic[tid])
        return (game.tick, avatar.tid, avatar.x, avatar.y, avatar.dx, avatar.dy, tuple(monsters))

    return SearchDomain(shooting_options, heuristic, state_key, TICK_WEIGHT)
