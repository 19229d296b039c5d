"""The Solarfox route planner: its shots and flights agree with the engine tick by tick, its
plans win on exactly their last tick when the engine replays them, and verify() uses it."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ORIGINALS_MISSING, original_level

from gvgai_generators import solarfox
from gvgai_generators.planning import cells_of
from gvgai_generators.solarfox_route import Route, Shots, plan_route
from gvgai_generators.solvability import replay, verify
from gvgai_py import Level
from gvgai_py.envs import builtin_level_path, start_game


def generated(difficulty: float, seed: int) -> Level:
    return solarfox.generate(difficulty, np.random.default_rng([seed, 7]))


def sample_levels() -> list[Level]:
    levels = [generated(d, seed) for d in (0.2, 0.6, 1.0) for seed in range(4)]
    levels += [Level.from_file(builtin_level_path("solarfox", i), "solarfox") for i in range(5)]
    return levels


def movers(game) -> list[tuple[int, int]]:
    types = game.compiled.leaf_ids("enemy") + game.compiled.leaf_ids("shot")
    return sorted((s.x, s.y) for tid in types for s in game.dynamic[tid])


def items(game) -> set[int]:
    return cells_of(game, "blib", "powerblib")


@pytest.mark.parametrize("index", range(len(sample_levels())))
def test_random_flights_die_and_eat_where_the_model_says(index):
    """Fly at random from cell to cell on the engine. Before every flight the model predicts
    the tick the ship dies on (if any) and what is left after it; the engine must agree, and
    the shots the model saw must be where the engine has them on every tick."""
    game = start_game(sample_levels()[index], seed=index)
    route, shots = Route.of(game), Shots(game)
    rng = np.random.default_rng(index)
    block = game.block
    played, deaths, eaten = 0, 0, 0
    while not game.ended and played < 1500:
        cell = (game.avatar.y // block) * game.cols + game.avatar.x // block
        move, target = route.neighbours[cell][rng.integers(len(route.neighbours[cell]))]
        hit = route.first_hit(played, cell, move)
        ticks = route.flight_ticks(played)
        before = items(game)
        for tick in range(ticks):
            game.step(move if tick == 0 else "NIL")
            if game.ended:
                break
            assert movers(game) == sorted(shots.after(played + tick))
        if game.won:
            assert before <= {target} and hit > tick
            break
        if hit < ticks:
            assert game.lost and tick == hit, (played, cell, move)
            deaths += 1
            break
        assert not game.lost, (played, cell, move, hit)
        assert items(game) == before - {target}
        eaten += target in before
        played += ticks
    assert played > 0 and (deaths or eaten or game.won)


@pytest.mark.parametrize("difficulty", [0.0, 0.5, 1.0])
def test_plans_win_on_exactly_their_last_tick(difficulty):
    """The model also knows when the game is won: a blib is eaten on first contact, a power
    blib 4 ticks after it. A plan cut a tick short does not win."""
    for seed in range(6):
        level = generated(difficulty, seed)
        start = start_game(level, seed)
        plan = plan_route(start, 2000)
        assert plan.actions, (difficulty, seed)
        game = start.clone()
        for action in plan.actions[:-1]:
            game.step(action)
            assert not game.ended
        game.step(plan.actions[-1])
        assert game.won
        actions = [start.compiled.actions.index(a) for a in plan.actions]
        assert replay(level, seed, actions)[0]


def test_power_blibs_are_planned_to_the_tick():
    """Our level 3 is all power blibs: its plan ends 4 ticks after touching the last one."""
    level = Level.from_file(builtin_level_path("solarfox", 3), "solarfox")
    start = start_game(level, 0)
    assert not cells_of(start, "blib") and cells_of(start, "powerblib")
    plan = plan_route(start, 2000)
    game = start.clone()
    for action in plan.actions:
        game.step(action)
    assert game.won and game.tick == len(plan.actions)


@pytest.mark.skipif(not original_level("solarfox", 0).exists(), reason=ORIGINALS_MISSING)
@pytest.mark.parametrize("index", range(5))
def test_original_levels_are_planned(index):
    level = Level.from_file(original_level("solarfox", index), "solarfox")
    verdict = verify(level, seed=index)
    assert verdict.solvable and verdict.generated == 0  # the planner's, not the search's
    assert replay(level, index, verdict.actions)[0]


def test_verify_returns_the_planners_witness():
    level = generated(0.7, 3)
    verdict = verify(level, seed=3)
    plan = plan_route(start_game(level, 3), 2000)
    assert verdict.solvable and verdict.generated == 0
    assert [start_game(level, 3).compiled.actions[a] for a in verdict.actions] == plan.actions


def test_a_route_longer_than_the_horizon_is_not_found():
    start = start_game(generated(1.0, 0), 0)
    full = plan_route(start, 2000)
    assert full.actions
    short = plan_route(start, len(full.actions) // 2)
    assert short.actions is None


def test_a_ship_between_cells_is_outside_the_model():
    start = start_game(generated(0.5, 1), 1)
    for _ in range(4):
        start.step("NIL")
    assert start.avatar.x % start.block
    assert Route.of(start) is None and plan_route(start, 2000) is None


def test_a_dead_ship_has_no_plan():
    start = start_game(generated(0.5, 1), 1)
    for _ in range(40):  # straight on into the right wall
        start.step("NIL")
    assert start.lost
    plan = plan_route(start, 2000)
    assert plan.actions is None and plan.exhausted
