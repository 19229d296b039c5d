"""The Frogs crossing planner: its model of the frog's tick agrees with the engine, its plans
win when the engine replays them, they are shortest, and verify() uses it soundly."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ORIGINALS_MISSING, original_level

import gvgai_generators.solvability as solvability
from gvgai_generators import frogs
from gvgai_generators.frogs_timing import plan_crossing, reachable
from gvgai_generators.planning import Plan
from gvgai_generators.solvability import SearchDomain, play_actions, replay, search, verify
from gvgai_py import Level
from gvgai_py.envs import builtin_level_path, start_game

RIVER_WITHOUT_LOGS = "wgwww\n00000\n++A++\nwwwww\n"
DOOMED_ON_A_LOG = "wgwww\n00000\nw=B00\nwwwww\n"
"""The tree on the left stops the logs from carrying the frog off-screen, where it would be
safe from the water (docs/engine.md, "Frogs quirks")."""
OFF_SCREEN_ESCAPE = "wgwww\n00000\n=B000\nwwwww\n"


def generated(difficulty: float, seed: int) -> Level:
    return frogs.generate(difficulty, np.random.default_rng([seed, 99]))


def sample_levels() -> list[Level]:
    levels = [generated(d, seed) for d in (0.25, 0.5, 0.75, 1.0) for seed in range(6)]
    levels += [Level.from_file(builtin_level_path("frogs", i), "frogs") for i in range(5)]
    return levels


def surviving_walk(game, rng: np.random.Generator, ticks: int):
    """Play up to ``ticks`` random actions that the engine says the frog survives (a
    one-tick lookahead on clones), yielding the frog's position after each tick."""
    for _ in range(ticks):
        safe = []
        for action in game.compiled.actions:
            trial = game.clone()
            trial.step(action)
            if not trial.lost:
                safe.append(action)
        if not safe:
            return
        game.step(str(rng.choice(safe)))
        if game.ended:
            return
        yield game.avatar.x, game.avatar.y


@pytest.mark.parametrize("index", range(len(sample_levels())))
def test_every_position_a_long_walk_reaches_is_modelled(index):
    """Long random walks that stay alive (over logs, past trucks, off the left edge): the
    frog's position after every tick is one the model says it can be at."""
    level = sample_levels()[index]
    start = start_game(level, seed=index)
    ticks = 120
    modelled = reachable(start, ticks)
    assert modelled is not None
    checked = 0
    for walk in range(3):
        game = start.clone()
        for tick, position in enumerate(surviving_walk(game, np.random.default_rng(walk), ticks)):
            assert position in modelled[tick], f"tick {tick}: engine at {position}"
            checked += 1
    assert checked >= 30, "the walks should last long enough to test something"


def engine_positions(start, ticks: int) -> list[set[tuple[int, int]]]:
    """Where the frog can be alive after each tick, by trying every action from one engine
    clone per distinct position."""
    layer, found = {(start.avatar.x, start.avatar.y): start}, []
    for _ in range(ticks):
        reached = {}
        for game in layer.values():
            for action in game.compiled.actions:
                trial = game.clone()
                trial.step(action)
                if not trial.ended:
                    reached.setdefault((trial.avatar.x, trial.avatar.y), trial)
        layer = reached
        found.append(set(reached))
    return found


@pytest.mark.parametrize(
    "level",
    [
        Level.from_string(OFF_SCREEN_ESCAPE, "frogs"),
        Level.from_string(DOOMED_ON_A_LOG, "frogs"),
        generated(0.5, 0),
        generated(1.0, 1),
    ],
    ids=["off-screen", "doomed", "d=0.5", "d=1"],
)
def test_the_model_reaches_exactly_the_positions_the_engine_does(level):
    """Every position is compared, except those more than a cell off-screen, which the model
    drops because they can never come back."""
    start = start_game(level, seed=3)
    ticks = 14
    modelled = reachable(start, ticks)
    engine = engine_positions(start, ticks)
    for tick, (model, positions) in enumerate(zip(modelled, engine, strict=True)):
        assert model == {(x, y) for x, y in positions if x >= -start.block}, f"tick {tick}"


@pytest.mark.parametrize("difficulty", [0.5, 1.0])
def test_plans_win_when_replayed_through_the_environment(difficulty):
    crossed = 0
    for seed in range(12):
        level = generated(difficulty, seed)
        start = start_game(level, seed)
        plan = plan_crossing(start, max_ticks=2000)
        if plan.actions is None:
            continue  # unverified draws are allowed; generated levels mostly cross
        actions = [start.compiled.actions.index(a) for a in plan.actions]
        won, score = replay(level, seed, actions)
        assert won and score == 1.0, f"seed {seed}"
        assert plan.ticks == len(plan.actions)
        crossed += 1
    assert crossed >= 10, "most unverified draws are crossable"


@pytest.mark.parametrize("seed", range(4))
def test_plans_are_as_short_as_a_breadth_first_search_on_the_engine(seed):
    level = generated(0.25, seed)
    start = start_game(level, seed)
    actions = start.compiled.actions
    breadth_first = SearchDomain(
        options=lambda game: [play_actions([action]) for action in actions],
        heuristic=lambda game: 0.0,
        state_key=lambda game: (game.tick, game.avatar.x, game.avatar.y),
        tick_weight=1.0,
    )
    shortest = search(start, breadth_first, max_expansions=50_000, max_ticks=60)
    plan = plan_crossing(start, max_ticks=60)
    assert shortest.solvable or shortest.exhausted, "the budget should cover 60 ticks"
    if shortest.solvable:
        assert len(plan.actions) == len(shortest.actions)
    else:
        assert plan.actions is None


@pytest.mark.skipif(not original_level("frogs", 0).exists(), reason=ORIGINALS_MISSING)
@pytest.mark.parametrize("index", range(5))
def test_original_levels_are_crossed(index):
    level = Level.from_file(original_level("frogs", index), "frogs")
    verdict = verify(level, seed=0)
    assert verdict.solvable
    assert replay(level, 0, verdict.actions)[0]


def test_a_river_without_logs_is_not_crossed_in_time():
    level = Level.from_string(RIVER_WITHOUT_LOGS, "frogs")
    plan = plan_crossing(start_game(level, 0), max_ticks=50)
    assert plan.actions is None and not plan.exhausted, "the frog can wait on the bank forever"
    assert plan.ticks == 50
    assert not verify(level, 0).solvable


def test_a_frog_that_must_drown_exhausts_the_search():
    """On a log drifting towards a tree, with water all around: no position survives."""
    level = Level.from_string(DOOMED_ON_A_LOG, "frogs")
    verdict = verify(level, 0)
    assert not verdict.solvable and verdict.exhausted
    assert verdict.expanded < 50


def test_a_drowned_frog_has_no_plan():
    start = start_game(Level.from_string(RIVER_WITHOUT_LOGS, "frogs"), 0)
    start.step("UP")  # into the water
    assert start.lost
    plan = plan_crossing(start, 2000)
    assert plan.actions is None and plan.exhausted


def test_verify_falls_back_to_the_search_when_a_plan_does_not_win(monkeypatch):
    monkeypatch.setitem(
        solvability.PLANNERS, "frogs", lambda start, max_ticks: Plan(["NIL"], False, 1)
    )
    level = Level.from_file(builtin_level_path("frogs", 1), "frogs")
    verdict = verify(level, seed=0)
    assert verdict.solvable and verdict.generated > 0, "the search's own counters"
    assert replay(level, 0, verdict.actions)[0]
