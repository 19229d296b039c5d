"""Progressive PCG and Prioritized Level Replay: the rules on toys, then tiny SB3 runs."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from types import SimpleNamespace

import numpy as np
import pytest
from stable_baselines3 import PPO
from stable_baselines3.common.logger import KVWriter, Logger
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv

from gvgai_generators.curriculum import (
    CurriculumCallback,
    EpisodeEnd,
    PrioritizedLevelReplay,
    ProgressivePCG,
    ProgressivePCGWrapper,
    curriculum_from_state,
    episode_end,
)
from gvgai_generators.pcg import make_env


class Captured(KVWriter):
    """An SB3 logger output that keeps the last value written under each name."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def write(self, key_values, key_excluded, step=0) -> None:
        self.values.update(key_values)

    def close(self) -> None:
        pass


class FakeVecEnv:
    """Records the ``env_method`` calls a curriculum makes."""

    def __init__(self, num_envs: int) -> None:
        self.num_envs = num_envs
        self.calls: list[tuple[str, tuple, object]] = []

    def env_method(self, name, *args, indices=None):
        self.calls.append((name, args, indices))


def tiny_ppo(env, seed: int = 0) -> tuple[PPO, Captured]:
    model = PPO("MlpPolicy", env, n_steps=16, batch_size=32, n_epochs=1, seed=seed,
                device="cpu")
    captured = Captured()
    model.set_logger(Logger(folder=None, output_formats=[captured]))
    return model, captured


# ------------------------------------------------------------------ Progressive PCG
def test_how_an_episode_ended():
    assert episode_end({"won": True}, truncated=False) is EpisodeEnd.WIN
    assert episode_end({"won": False, "lost": True}, truncated=False) is EpisodeEnd.LOSS
    assert episode_end({"won": False}, truncated=True) is EpisodeEnd.TIMEOUT


def test_ppcg_rule_moves_by_alpha_and_clips():
    ppcg = ProgressivePCG(alpha=0.3)
    assert ppcg.record(EpisodeEnd.LOSS) == 0.0  # clipped at 0
    assert ppcg.record(EpisodeEnd.WIN) == 0.3
    assert ppcg.record(EpisodeEnd.WIN) == 0.6
    assert ppcg.record(EpisodeEnd.TIMEOUT) == 0.3  # a timeout is a loss by default
    for _ in range(5):
        ppcg.record(EpisodeEnd.WIN)
    assert ppcg.difficulty == 1.0  # clipped at 1
    assert ppcg.record(EpisodeEnd.LOSS) == 0.7

    lenient = ProgressivePCG(alpha=0.01, timeout_is_win=True)
    assert lenient.record(EpisodeEnd.TIMEOUT) == 0.01
    assert [lenient.record(EpisodeEnd.WIN) for _ in range(3)] == [0.02, 0.03, 0.04]
    with pytest.raises(ValueError, match="alpha"):
        ProgressivePCG(alpha=0.0)


def test_ppcg_sets_every_worker_after_each_finished_episode():
    env = FakeVecEnv(2)
    ppcg = ProgressivePCG(alpha=0.1)
    ppcg.start(env)
    ppcg.on_step(env, [{"won": True}, {"won": False}], np.array([True, False]))
    ppcg.on_step(env, [{"won": False}, {"won": False}], np.array([False, False]))
    ppcg.on_step(env, [{"won": True}, {"won": False, "TimeLimit.truncated": True}],
                 np.array([True, True]))  # +0.1 then -0.1: no change to send
    assert env.calls == [("set_difficulty", (0.0,), None), ("set_difficulty", (0.1,), None)]
    assert ppcg.metrics() == {"curriculum/difficulty": 0.1}


def test_ppcg_wrapper_on_a_single_env():
    # Zelda's monsters stand still for their first ticks, so 3 NIL steps always time out.
    env = ProgressivePCGWrapper(make_env("zelda", max_steps=3, prefetch=0),
                                ProgressivePCG(alpha=0.1, timeout_is_win=True))
    _, info = env.reset(seed=0)
    for episode in range(3):
        assert info["difficulty"] == pytest.approx(0.1 * episode)
        truncated = False
        while not truncated:
            _, _, terminated, truncated, _ = env.step(0)
            assert not terminated
        _, info = env.reset()
    assert env.curriculum.difficulty == info["difficulty"] == 0.3

    strict = ProgressivePCGWrapper(make_env("zelda", max_steps=1, difficulty=0.5, prefetch=0))
    strict.reset(seed=0)
    assert strict.step(0)[3] and strict.curriculum.difficulty == 0.0
    assert strict.reset()[1]["difficulty"] == 0.0


def test_ppcg_one_difficulty_for_all_subprocess_workers():
    # prefetch=0: a prefetching source holds a thread, which get_attr cannot pickle
    env = SubprocVecEnv([partial(make_env, "zelda", max_steps=8, prefetch=0)] * 2)
    try:
        curriculum = ProgressivePCG(alpha=0.05, timeout_is_win=True)
        model, logged = tiny_ppo(env)
        model.learn(64, callback=CurriculumCallback(curriculum))
        workers = [source.difficulty for source in env.get_attr("source")]
        env.reset()
        played = [info["difficulty"] for info in env.reset_infos]
    finally:
        env.close()
    assert curriculum.difficulty > 0  # 8 episodes end, nearly all in timeouts
    assert workers == played == [curriculum.difficulty] * 2
    assert logged.values["curriculum/difficulty"] == curriculum.difficulty


# ------------------------------------------------------------------ Prioritized Level Replay
def test_plr_replay_distribution_by_hand():
    plr = PrioritizedLevelReplay(num_levels=3, difficulties=(0.5,), temperature=0.1,
                                 staleness=0.1)
    for seed, score in enumerate([3.0, 1.0, 2.0]):
        plr.update_score((seed, 0.5), score)
    plr.draws = 10
    plr.last_drawn[:] = [10, 4, 7]
    by_score = np.array([1.0, 3.0**-10, 2.0**-10])
    by_score /= by_score.sum()
    by_staleness = np.array([0.0, 6.0, 3.0]) / 9.0
    expected = 0.9 * by_score + 0.1 * by_staleness
    np.testing.assert_allclose(plr.replay_distribution(), expected)


def test_plr_sampling_follows_scores():
    plr = PrioritizedLevelReplay(num_levels=4, temperature=1.0, staleness=0.0, seed=1)
    for seed, score in enumerate([0.1, 0.4, 0.2, 0.3]):
        plr.update_score((seed, 1.0), score)
    counts = Counter(seed for seed, _ in (plr.sample() for _ in range(4000)))
    # ranks 4, 1, 3, 2 -> probabilities proportional to 1/rank
    expected = np.array([1 / 4, 1, 1 / 3, 1 / 2]) / (25 / 12)
    observed = np.array([counts[s] for s in range(4)]) / 4000
    np.testing.assert_allclose(observed, expected, atol=0.03)


def test_plr_replays_with_the_fraction_of_levels_seen():
    plr = PrioritizedLevelReplay(num_levels=10, seed=2)
    first = Counter(plr.sample() for _ in range(1000))
    assert len(first) == 10  # nothing seen: new levels, uniformly
    for seed in range(3):
        plr.update_score((seed, 1.0), 1.0)
    replays = sum(plr.sample()[0] < 3 for _ in range(3000)) / 3000
    assert replays == pytest.approx(0.3, abs=0.04)


def test_plr_scores_are_mean_absolute_advantage_of_the_last_episode():
    env = FakeVecEnv(2)
    plr = PrioritizedLevelReplay(num_levels=10, difficulties=(1.0,), seed=0)
    plr.start(env)
    assert [(name, indices) for name, _, indices in env.calls] == [
        ("queue_level", [0]), ("queue_level", [1])]
    a, b, c = {"level_seed": 3, "difficulty": 1.0}, {"level_seed": 4, "difficulty": 1.0}, \
        {"level_seed": 5, "difficulty": 1.0}
    plr.on_step(env, [a, b], np.array([False, False]))
    plr.on_step(env, [a, b], np.array([True, False]))
    plr.on_step(env, [c, b], np.array([False, False]))
    plr.on_rollout_end(SimpleNamespace(advantages=np.array([[1.0, 2.0], [-3.0, 2.0],
                                                            [5.0, -4.0]])))
    assert plr.scores[3] == 2.0 and plr.seen.tolist() == [i == 3 for i in range(10)]
    assert env.calls[-1][0] == "queue_level" and env.calls[-1][2] == [0]  # after a's end
    # worker 1's episode goes on into the next rollout: its score spans both
    plr.on_step(env, [c, b], np.array([False, True]))
    plr.on_rollout_end(SimpleNamespace(advantages=np.array([[0.0, 4.0]])))
    assert plr.scores[4] == pytest.approx((2 + 2 + 4 + 4) / 4)
    assert not plr.seen[5]  # c is still being played


def test_plr_steers_a_real_run():
    # The sources draw their own levels from 2**31 seeds, so only queued levels are in the set.
    env = DummyVecEnv([partial(make_env, "zelda", max_steps=8, difficulty=0.2)] * 2)
    plr = PrioritizedLevelReplay(num_levels=5, difficulties=(0.2,), seed=0)
    model, logged = tiny_ppo(env)
    played: list[list[tuple[int, float]]] = [[], []]

    class Recorder(CurriculumCallback):
        def _on_step(self) -> bool:
            for worker, info in enumerate(self.locals["infos"]):
                played[worker].append((info["level_seed"], info["difficulty"]))
            return super()._on_step()

    model.learn(96, callback=Recorder(plr))
    env.close()
    for levels in played:
        first_episode = levels[:8]
        assert first_episode[0] not in plr.levels
        assert set(levels[8:]) <= set(plr.levels) and len(levels) > 8
    assert plr.seen.sum() >= 2 and (plr.scores[plr.seen] > 0).all()
    assert logged.values["curriculum/seen_fraction"] == plr.seen.mean()


def test_fixed_difficulty_training_levels_are_prefetched_deeper_than_curricula():
    """``pcg:D`` levels can never go stale, so ``gvgai train`` keeps more of them on their way;
    a curriculum's levels would be served at an old difficulty."""
    from gvgai_agents.levels import parse_level_set
    from gvgai_generators.pcg import PREFETCH, PREFETCH_FIXED

    assert PREFETCH_FIXED > PREFETCH
    for word, depth in (("pcg:0.5", PREFETCH_FIXED), ("ppcg", PREFETCH), ("plr", PREFETCH)):
        source = parse_level_set("frogs", word, training=True).level_source("frogs")
        try:
            assert source.prefetch == depth, word
        finally:
            source.close()


# ------------------------------------------------------------------ saved state
def json_round_trip(curriculum):
    """The curriculum rebuilt from its state after a trip through a JSON file's text."""
    return curriculum_from_state(json.loads(json.dumps(curriculum.state_dict())))


def test_ppcg_state_round_trips_through_json():
    ppcg = ProgressivePCG(alpha=0.05, timeout_is_win=True, difficulty=0.35)
    restored = json_round_trip(ppcg)
    assert isinstance(restored, ProgressivePCG)
    assert (restored.alpha, restored.timeout_is_win, restored.difficulty) == (0.05, True, 0.35)


def test_plr_state_round_trips_through_json_and_samples_on_identically():
    plr = PrioritizedLevelReplay(num_levels=6, difficulties=(0.25, 0.5), temperature=0.3,
                                 staleness=0.2, seed=4)
    for i in range(5):
        plr.update_score(plr.sample(), float(i))
    restored = json_round_trip(plr)
    assert restored.levels == plr.levels and restored.draws == plr.draws
    for name in ("scores", "seen", "last_drawn"):
        np.testing.assert_array_equal(getattr(restored, name), getattr(plr, name))
    assert [restored.sample() for _ in range(20)] == [plr.sample() for _ in range(20)]


@pytest.mark.parametrize("state", [
    [],
    {"kind": "os.system"},
    {"kind": "ppcg", "alpha": "0.01", "timeout_is_win": False, "difficulty": 0.0},
    {"kind": "ppcg", "alpha": 0.01, "timeout_is_win": 0, "difficulty": 0.0},
    {"kind": "ppcg", "alpha": 0.01, "timeout_is_win": False},
    {**PrioritizedLevelReplay(num_levels=3).state_dict(), "scores": [0.0]},
    {**PrioritizedLevelReplay(num_levels=3).state_dict(), "rng": {"bit_generator": "MT19937"}},
])
def test_a_bad_curriculum_state_is_a_value_error(state):
    with pytest.raises(ValueError):
        curriculum_from_state(state)
