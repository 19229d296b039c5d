"""Is a level winnable? A bounded best-first search on the real engine finds a witness.

A level counts as solvable for a seed when a search over :meth:`Game.clone` copies of the state
that ``GVGAIEnv(game, level=level).reset(seed=seed)`` starts from finds a sequence of actions that
wins. The engine is deterministic given the seed and the actions, so the witness replays to the
same win through the Gymnasium environment.

The search itself is generic (:mod:`.core`); what it knows about a game comes as data, a
:class:`SearchDomain` built per level by the game's module (:mod:`.zelda`, :mod:`.frogs`,
:mod:`.boulderdash`, :mod:`.solarfox`, listed in :data:`DOMAINS`):

* *options*, the moves of the search: short action sequences, or plans over cells (walk to a
  diamond along a breadth-first path) that the engine plays and checks tick by tick;
* a *heuristic*, estimated ticks to a win (``inf`` prunes a state that can never win);
* a *state key*, so that states reached twice are expanded once.

Frogs and Solarfox levels are first given to a specialised planner (:data:`PLANNERS`), which
plays the avatar's part of each tick against the rest of the world played once beforehand;
its plan counts only once the engine has replayed it to a win.

Run ``python -m gvgai_generators.solvability <game> <index>`` to search one of our levels and store
its witness for seed 0 as ``levels/<game>/lvl<index>.solution.json`` (:mod:`.witnesses`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gvgai_generators.frogs_timing import plan_crossing
from gvgai_generators.planning import Plan
from gvgai_generators.solarfox_route import plan_route
from gvgai_generators.solvability import (
    aliens,
    boulderdash,
    butterflies,
    chase,
    frogs,
    missilecommand,
    portals,
    sokoban,
    solarfox,
    survivezombies,
    zelda,
)
from gvgai_generators.solvability.core import (
    Option,
    SearchDomain,
    Verdict,
    play_actions,
    replay,
    search,
)
from gvgai_py.engine import Game
from gvgai_py.envs import MAX_STEPS, start_game
from gvgai_py.level import Level

__all__ = [
    "DOMAINS", "PLANNERS", "Option", "Planner", "SearchDomain", "Verdict", "play_actions",
    "replay", "search", "verify",
]

Planner = Callable[[Game, int], Plan | None]
"""Plans a win from a state within a tick limit, without :func:`search`; None when the level
is outside what it models."""
PLANNERS: dict[str, Planner] = {"frogs": plan_crossing, "solarfox": plan_route}
"""Games whose levels a specialised planner decides before any search."""

DOMAINS: dict[str, Callable[[Game], SearchDomain]] = {
    "zelda": zelda.domain,
    "frogs": frogs.domain,
    "boulderdash": boulderdash.domain,
    "solarfox": solarfox.domain,
    "aliens": aliens.domain,
    "missilecommand": missilecommand.domain,
    "portals": portals.domain,
    "sokoban": sokoban.domain,
    "butterflies": butterflies.domain,
    "chase": chase.domain,
    "survivezombies": survivezombies.domain,
}
"""How to search each game, built from the level's starting state."""


def verify(
    level: Level,
    seed: int,
    max_expansions: int = 20_000,
    max_seconds: float | None = None,
) -> Verdict:
    """Search for actions that win ``level`` from ``GVGAIEnv(...).reset(seed=seed)``.

    ``solvable=False`` when the budget runs out (``exhausted=False``) or when every option was
    tried (``exhausted=True``). A witness wins within an episode's ``MAX_STEPS`` steps.

    A game with an entry in :data:`PLANNERS` is planned first, within ``MAX_STEPS`` (the
    budget does not apply); :func:`search` runs only for a level outside the planner's model,
    or if its plan does not win when the engine replays it.
    """
    game = start_game(level, seed)
    planner = PLANNERS.get(level.game)
    if planner is not None:
        verdict = _verify_plan(game, planner, MAX_STEPS)
        if verdict is not None:
            return verdict
    domain = DOMAINS[level.game](game)
    return search(game, domain, max_expansions, MAX_STEPS, max_seconds)


def _verify_plan(start: Game, planner: Planner, max_ticks: int) -> Verdict | None:
    """The verdict of ``planner`` from ``start``, its plan checked on a clone; None when the
    planner does not apply or its plan does not win."""
    began = time.perf_counter()
    plan = planner(start, max_ticks)
    if plan is None:
        return None
    score, actions = None, None
    if plan.actions is not None:
        game = start.clone()
        play_actions(plan.actions)(game)
        if not game.won:
            return None
        score = game.score
        actions = tuple(start.compiled.actions.index(a) for a in plan.actions)
    return Verdict(
        solvable=actions is not None,
        actions=actions,
        score=score,
        expanded=plan.ticks,
        generated=0,
        ticks_simulated=plan.ticks + len(plan.actions or ()),
        seconds=time.perf_counter() - began,
        exhausted=plan.exhausted,
    )
