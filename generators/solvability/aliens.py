"""Aliens' search domain: shoot every alien the portals release.

An alien is worth shooting only where the missile will meet it: missiles fly straight up at one
cell a tick while the aliens march sideways, so the heuristic aims at where the nearest alien
will be when a missile fired now reaches its height, not at where it is.
"""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.solvability.core import Option, SearchDomain, play_actions
from gvgai_py.engine import Game

KILL_COST = 50
"""Heuristic cost of each alien still to shoot: more than any walk along the avatar's row, so
that a kill always looks like progress to the greedy search."""
TICK_WEIGHT = 0.05
SHOT_TICKS = 30
"""The most ticks a fire option waits for its missile to hit something or leave the level."""


def domain(start: Game) -> SearchDomain:
    """Options: fire and watch the missile, step left, step right, wait a tick. The heuristic
    counts the aliens still to shoot (alive or not yet released) and the avatar's steps to
    the nearest point of interception."""
    compiled = start.compiled
    aliens = compiled.leaf_ids("alien")
    portals = compiled.leaf_ids("portal")
    shot = compiled.leaf_id("sam")
    block = start.block

    def fire(game: Game) -> list[str]:
        if game.present[shot]:
            return []  # one missile at a time: USE would do nothing
        played = play_actions(["USE"])(game)
        while not game.ended and game.present[shot] and len(played) < SHOT_TICKS:
            game.step("NIL")
            played.append("NIL")
        return played

    options: list[Option] = [fire, *(play_actions([a]) for a in ("LEFT", "RIGHT", "NIL"))]

    def to_shoot(game: Game) -> int:
        unreleased = sum(
            game.types[tid].params["total"] - s.spawned
            for tid in portals for s in game.dynamic[tid] if not s.killed
        )
        return unreleased + game.count(aliens)

    def aim(game: Game) -> float:
        """Steps from the avatar to the column a missile must leave from to meet an alien."""
        avatar = game.avatar
        best = float(game.cols)
        for tid in aliens:
            stype = game.types[tid]
            for alien in game.dynamic[tid]:
                flight = max(avatar.y - alien.y, 0) / block + 1
                ahead = alien.x + alien.dx * stype.step * flight / stype.cooldown
                best = min(best, abs(ahead - avatar.x) / block)
        return best

    def heuristic(game: Game) -> float:
        return KILL_COST * to_shoot(game) + aim(game)

    def state_key(game: Game) -> Hashable:
        alive = tuple(s.uid for tid in aliens for s in game.dynamic[tid] if not s.killed)
        missiles = tuple((s.x, s.y) for s in game.dynamic[shot])
        return (game.tick, game.avatar.x, missiles, alive, game.count(compiled.leaf_ids("base")))

    return SearchDomain(lambda game: options, heuristic, state_key, TICK_WEIGHT)
