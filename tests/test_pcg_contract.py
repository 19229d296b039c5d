"""Gymnasium's contract for generated levels: ``reset(seed=s)`` picks the level whatever the
``pcg`` source prefetched before, and ``set_difficulty`` applies from the next reset."""

from __future__ import annotations

import time
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from stable_baselines3.common.vec_env import DummyVecEnv

from gvgai_generators import UnsolvableLevelError
from gvgai_generators.curriculum import ProgressivePCG, ProgressivePCGWrapper
from gvgai_generators.pcg import PCGLevelSource, make_env
from gvgai_py import PCG_ENV_IDS, env_id

GAME = "frogs"  # the cheapest levels to generate
DEPTHS = (0, 2, 4)
PATIENCE = 30.0
"""Seconds to wait for the generator process to start a level (it usually takes
milliseconds); only a broken prefetch runs out of it."""


class RecordingSource(PCGLevelSource):
    """The ``pcg`` source, noting the name of every level it asks for, in order."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.requests: list[tuple[int, float]] = []

    def level(self, seed, difficulty):
        self.requests.append((seed, difficulty))
        return super().level(seed, difficulty)


def wait_for(condition) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, "the generator process never started the level"
        time.sleep(0.01)


def episode(env: gym.Env, seed: int | None = None) -> tuple:
    """What one episode shows: the level's name and text, and every step of a fixed play."""
    obs, info = env.reset(seed=seed)
    steps = [obs.tobytes()]
    for action in np.random.default_rng(0).integers(env.action_space.n, size=20):
        obs, reward, terminated, truncated, _ = env.step(action)
        steps.append((obs.tobytes(), reward, terminated, truncated))
        if terminated or truncated:
            break
    name = (info["level_seed"], info["difficulty"])
    return name, env.unwrapped.level.to_string(), steps


def pcg_env(prefetch: int, **kwargs) -> gym.Env:
    return gym.make(env_id(GAME), level="pcg", prefetch=prefetch, **kwargs)


def played_names(env: gym.Env, seeds: list[int | None]) -> list[tuple[int, float]]:
    """The (level seed, difficulty) of the level played after each ``reset(seed=...)``."""
    infos = [env.reset(seed=seed)[1] for seed in seeds]
    return [(info["level_seed"], info["difficulty"]) for info in infos]


# ------------------------------------------------------------------ reset(seed=s)
@pytest.mark.parametrize("gym_id", PCG_ENV_IDS)
def test_check_env_passes_on_the_ids_of_generated_levels(gym_id):
    with gym.make(gym_id) as env, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped)
    assert [str(w.message) for w in caught] == []


def test_the_id_of_generated_levels_takes_the_sources_keywords():
    with gym.make(env_id(GAME, "pcg"), difficulty=0.5, prefetch=0) as env:
        assert env.reset(seed=0)[1]["difficulty"] == 0.5
        assert env.unwrapped.level_label == "pcg level"


@pytest.mark.parametrize("mode", ["exact", "uniform"])
def test_a_seeded_reset_plays_the_same_level_whatever_was_prefetched(mode):
    played = []
    for prefetch in DEPTHS:
        with pcg_env(prefetch, difficulty=0.6, mode=mode) as env:
            fresh = episode(env, seed=7)
            for _ in range(3):
                episode(env)
            played += [fresh, episode(env, seed=7)]
    assert all(run == played[0] for run in played)


def test_unseeded_resets_after_a_seed_play_the_same_levels_at_every_prefetch_depth():
    seeds = [3, None, None, None, None, 11, None, None]
    runs = []
    for prefetch in DEPTHS:
        with pcg_env(prefetch, difficulty=0.4) as env:
            runs.append(played_names(env, seeds))
    assert runs[0] == runs[1] == runs[2]
    assert len(set(runs[0])) > 1


def test_a_queued_level_does_not_shift_the_levels_drawn_after_it():
    with pcg_env(0, difficulty=0.4) as plain:
        expected = played_names(plain, [5, None, None])
    with make_env(GAME, difficulty=0.4, prefetch=2) as env:
        env.reset(seed=5)
        env.queue_level(9, 0.2)
        assert played_names(env, [None, None]) == [(9, 0.2), expected[2]]


def test_the_levels_of_the_coming_resets_are_generated_before_those_resets():
    with pcg_env(0, difficulty=0.3) as plain:
        expected = played_names(plain, [1, None, None, None])
    source = RecordingSource(GAME, difficulty=0.3, prefetch=2)
    with gym.make(env_id(GAME), level=source, size=source.max_size) as env:
        assert played_names(env, [1]) == expected[:1]
        for name in expected[1:]:
            wait_for(lambda name=name: name in source.requests)
            assert played_names(env, [None]) == [name]
            assert source.requests.count(name) == 1  # served as prefetched, not asked again


class QuarterUnsolvableSource(RecordingSource):
    """The ``pcg`` source, where the levels of seeds divisible by 4 cannot be won."""

    def level(self, seed, difficulty):
        if seed % 4 == 0:
            self.requests.append((seed, difficulty))
            raise UnsolvableLevelError(f"seed {seed} is divisible by 4")
        return super().level(seed, difficulty)


def test_a_redraw_after_an_unsolvable_level_is_the_same_at_every_prefetch_depth():
    runs = []
    for prefetch in DEPTHS:
        source = QuarterUnsolvableSource(GAME, difficulty=0.3, prefetch=prefetch)
        with gym.make(env_id(GAME), level=source, size=source.max_size) as env:
            runs.append(played_names(env, [2, None, None, None, None, None, None, None]))
        if prefetch == 0:
            assert any(seed % 4 == 0 for seed, _ in source.requests)  # some were redrawn
    assert runs[0] == runs[1] == runs[2]
    assert all(seed % 4 for seed, _ in runs[0])


# ------------------------------------------------------------------ set_difficulty
@pytest.mark.parametrize("mode", ["exact", "uniform"])
def test_set_difficulty_applies_from_the_next_reset(mode):
    """The levels after the change are those an env at the new difficulty from the start
    plays: a level depends on the generator's state and the current difficulty alone."""
    with pcg_env(0, difficulty=0.8, mode=mode) as env:
        expected = played_names(env, [4, None, None, None, None])[3:]
    for prefetch in DEPTHS:
        with pcg_env(prefetch, difficulty=0.2, mode=mode) as env:
            played_names(env, [4, None, None])
            env.unwrapped.set_difficulty(0.8)
            assert played_names(env, [None, None]) == expected
    if mode == "exact":
        assert [d for _, d in expected] == [0.8, 0.8]


def test_the_level_at_a_new_difficulty_starts_generating_at_once():
    source = RecordingSource(GAME, difficulty=0.2, prefetch=2)
    with gym.make(env_id(GAME), level=source, size=source.max_size) as env:
        env.reset(seed=2)
        env.unwrapped.set_difficulty(0.9)
        wait_for(lambda: any(d == 0.9 for _, d in source.requests))
        started = [name for name in source.requests if name[1] == 0.9]
        (name,) = played_names(env, [None])
        assert name == started[0]


def test_set_difficulty_through_a_vec_env_applies_at_the_auto_reset():
    venv = DummyVecEnv([lambda: make_env(GAME, difficulty=0.1, max_steps=2)] * 2)
    try:
        venv.reset()
        venv.env_method("set_difficulty", 0.7)
        dones = np.zeros(2, dtype=bool)
        while not dones.all():
            *_, done, _ = venv.step(np.zeros(2, dtype=int))
            dones |= done
        assert [info["difficulty"] for info in venv.reset_infos] == [0.7, 0.7]
    finally:
        venv.close()


def test_progressive_pcg_wrapper_plays_each_new_difficulty_at_the_next_episode():
    curriculum = ProgressivePCG(alpha=0.1, difficulty=0.5)
    with ProgressivePCGWrapper(make_env(GAME, max_steps=1), curriculum) as env:
        env.reset(seed=0)
        for expected in (0.4, 0.3, 0.2):
            env.step(0)  # truncated: a loss, so d goes down by alpha
            assert env.reset()[1]["difficulty"] == expected == curriculum.difficulty
