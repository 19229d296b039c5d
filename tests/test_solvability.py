"""The solvability search: witnesses that win, sound "unsolvable" answers, budgets, determinism."""

from __future__ import annotations

import math

import gymnasium as gym
import pytest

import gvgai_py
from gvgai_generators.solvability import (
    DOMAINS,
    PLANNERS,
    SearchDomain,
    play_actions,
    replay,
    search,
    verify,
)
from gvgai_py import Level
from gvgai_py.envs import GVGAIEnv, builtin_level_path, start_game

GAMES = (
    "zelda", "frogs", "boulderdash", "solarfox", "butterflies", "chase", "survivezombies",
    "aliens", "missilecommand",
)
SEED = 1
"""Not the seed of the stored witnesses, so that these searches are new work."""


def our_level(game: str, index: int) -> Level:
    return Level.from_file(builtin_level_path(game, index), game)


def play_through_gymnasium(level: Level, seed: int, actions: tuple[int, ...]) -> tuple[int, dict]:
    """(steps played until the episode ended or the actions ran out, last info)."""
    env = gym.make(gvgai_py.env_id(level.game), level=level)
    env.reset(seed=seed)
    played, info = 0, {}
    for action in actions:
        _, _, terminated, truncated, info = env.step(action)
        played += 1
        if terminated or truncated:
            break
    env.close()
    return played, info


@pytest.mark.parametrize("game", GAMES)
@pytest.mark.parametrize("index", [1, 3])
def test_witness_replays_to_a_win(game, index):
    level = our_level(game, index)
    verdict = verify(level, SEED, max_expansions=3_000)
    assert verdict.solvable and not verdict.exhausted
    played, info = play_through_gymnasium(level, SEED, verdict.actions)
    assert info["won"] and played == len(verdict.actions)
    assert info["score"] == verdict.score
    if game not in PLANNERS:
        assert verdict.expanded <= verdict.generated
    assert verdict.ticks_simulated >= len(verdict.actions)


@pytest.mark.parametrize("game", GAMES)
def test_witness_is_deterministic_for_a_seed(game):
    level = our_level(game, 2)
    first, second = (verify(level, SEED, max_expansions=3_000) for _ in range(2))
    assert first.solvable
    assert first.actions == second.actions
    assert first.expanded == second.expanded


def test_zelda_key_walled_off_is_unsolvable():
    level = Level.from_string(
        "wwwwwwwww\n"
        "wA....w+w\n"
        "w.3...www\n"
        "w.....g.w\n"
        "wwwwwwwww\n",
        "zelda",
    )
    verdict = verify(level, 0, max_expansions=1_000)
    assert not verdict.solvable and verdict.actions is None
    assert verdict.exhausted, "walls alone prove it: no budget should be needed"
    assert verdict.expanded < 10


def test_boulderdash_with_too_few_reachable_diamonds_is_unsolvable():
    level = Level.from_string(
        "wwwwwwwwwwwww\n"
        "wA..xxxx...ew\n"
        "w...xxxx....w\n"
        "wwwwwwwwwwwww\n"
        "w..xxxxxx.c.w\n"
        "wwwwwwwwwwwww\n",
        "boulderdash",
    )
    verdict = verify(level, 0, max_expansions=1_000)
    assert not verdict.solvable
    assert verdict.exhausted and verdict.expanded < 10


def test_the_same_boulderdash_level_with_nine_reachable_diamonds_is_solvable():
    level = Level.from_string(
        "wwwwwwwwwwwww\n"
        "wA..xxxx...ew\n"
        "w...xxxxx...w\n"
        "wwwwwwwwwwwww\n"
        "w..xxxxxx.c.w\n"
        "wwwwwwwwwwwww\n",
        "boulderdash",
    )
    verdict = verify(level, 0, max_expansions=1_000)
    assert verdict.solvable
    assert replay(level, 0, verdict.actions)[0]


def test_running_out_of_budget_is_unsolvable_but_not_exhausted():
    verdict = verify(our_level("boulderdash", 3), 0, max_expansions=2)
    assert not verdict.solvable
    assert not verdict.exhausted
    assert verdict.expanded == 2


def test_uninformed_search_finds_a_shortest_witness():
    """With no heuristic the search goes breadth-first. Here the key comes first: turn down,
    down, down onto the key (the facing resets to RIGHT), right, right onto the door."""
    level = Level.from_string(
        "wwwwww\n"
        "wA...w\n"
        "w.ww.w\n"
        "w+.g.w\n"
        "wwwwww\n",
        "zelda",
    )
    env = GVGAIEnv("zelda", level=level)
    env.reset(seed=0)
    actions = env.compiled.actions

    def state_key(game):
        avatar = game.avatar
        return (avatar.tid, avatar.x, avatar.y, avatar.dx, avatar.dy)

    domain = SearchDomain(
        options=lambda game: [play_actions([action]) for action in actions],
        heuristic=lambda game: 0.0,
        state_key=state_key,
        tick_weight=1.0,
    )
    verdict = search(env.unwrapped.state, domain, max_expansions=5_000, max_ticks=100)
    assert verdict.solvable
    assert [actions[a] for a in verdict.actions] == ["DOWN", "DOWN", "DOWN", "RIGHT", "RIGHT"]
    played, info = play_through_gymnasium(level, 0, verdict.actions)
    assert info["won"] and played == 5


def test_every_generated_game_has_a_domain():
    assert set(gvgai_py.GENERATED_GAMES) <= set(DOMAINS)


def test_the_chase_search_drops_a_state_next_to_an_angry_goat():
    """An angry goat moves a cell a tick, as fast as the avatar: next to one, the avatar may
    already be caught in the next tick, so the search never goes there."""
    level = Level.from_string("wwwwwwww\nwA....0w\nwwwwwwww\n", "chase")
    start = start_game(level, 0)
    domain = DOMAINS["chase"](start)
    assert domain.heuristic(start) == 5, "walk to the scared goat"
    angry = start.compiled.leaf_id("angry")
    for cells_away, pruned in ((1, True), (2, False)):
        game = start.clone()
        game.create(angry, start.avatar.x + cells_away * game.block, start.avatar.y)
        assert math.isinf(domain.heuristic(game)) == pruned, cells_away
