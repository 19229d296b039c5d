"""Evaluate a trained model on test sets of levels: win rate and mean score, with 95% CIs.

Episode ``i`` of a test set is reset with seed ``seed + i`` and, for fixed levels, plays level
``i mod n``; so every model meets the same episodes. Episodes run in batches of up to
``parallel`` environments that share one forward pass of the policy.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch as th
from stable_baselines3.common.base_class import BaseAlgorithm

from gvgai_agents.algorithms import load_model, model_metadata, read_metadata
from gvgai_agents.errors import LevelsError
from gvgai_agents.levels import LevelSequence, LevelSet, make_level_set_env, parse_level_set
from gvgai_py import env_id
from gvgai_py.files import save_atomically

Z_95 = 1.959964
"""Two-sided 95% quantile of the normal distribution."""


@dataclass(frozen=True)
class Outcome:
    """How one episode ended."""

    won: bool
    score: float
    ticks: int


@dataclass(frozen=True)
class TestSetResult:
    """Results on one test set; the intervals are 95% confidence intervals."""

    levels: str
    """The ``--levels`` word."""
    name: str
    episodes: int
    wins: int
    win_rate: float
    win_rate_ci95: tuple[float, float]
    """Wilson score interval (sound near 0 and 1, unlike the normal approximation)."""
    mean_score: float
    mean_score_ci95: tuple[float, float] | None
    """Normal approximation ``mean +- 1.96 s / sqrt(n)``; None for a single episode."""
    mean_ticks: float

    @classmethod
    def from_outcomes(cls, level_set: LevelSet, outcomes: list[Outcome]) -> TestSetResult:
        n = len(outcomes)
        wins = sum(o.won for o in outcomes)
        scores = np.array([o.score for o in outcomes])
        score_ci = None
        if n > 1:
            half = Z_95 * scores.std(ddof=1) / math.sqrt(n)
            score_ci = (float(scores.mean() - half), float(scores.mean() + half))
        return cls(level_set.word, level_set.name, n, wins, wins / n, wilson_interval(wins, n),
                   float(scores.mean()), score_ci, float(np.mean([o.ticks for o in outcomes])))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion."""
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def check_fits(game: str, level_set: LevelSet, size: tuple[int, int]) -> None:
    """A model sees a fixed grid size: refuse test levels larger than it."""
    rows, cols = level_set.max_size(game)
    if rows > size[0] or cols > size[1]:
        raise LevelsError(
            f"--levels {level_set.word} has levels up to {rows}x{cols}, larger than the "
            f"{size[0]}x{size[1]} grid the model was trained on"
        )


def play(
    model: BaseAlgorithm,
    level_set: LevelSet,
    episodes: int,
    *,
    seed: int = 0,
    deterministic: bool = False,
    parallel: int = 16,
) -> list[Outcome]:
    """Play ``episodes`` episodes of ``level_set`` with ``model`` (see the module docstring).

    The environments are built from the model's ``gvgai`` metadata. Actions are sampled from
    the policy unless ``deterministic``: an argmax policy can walk into a loop and time out.
    """
    meta = model_metadata(model)
    workers = min(parallel, episodes)
    envs = [_worker_env(meta, level_set, range(j, episodes, workers)) for j in range(workers)]
    next_episode = list(range(workers))
    observations = [env.reset(seed=seed + j)[0] for j, env in enumerate(envs)]
    active = list(range(workers))
    outcomes: dict[int, Outcome] = {}
    while active:
        actions, _ = model.predict(np.stack([observations[j] for j in active]),
                                   deterministic=deterministic)
        still_active = []
        for j, action in zip(active, actions, strict=True):
            obs, _, terminated, truncated, info = envs[j].step(int(action))
            if terminated or truncated:
                outcomes[next_episode[j]] = Outcome(bool(info["won"]), float(info["score"]),
                                                    int(info["ticks"]))
                next_episode[j] += workers
                if next_episode[j] >= episodes:
                    continue
                obs, _ = envs[j].reset(seed=seed + next_episode[j])
            observations[j] = obs
            still_active.append(j)
        active = still_active
    for env in envs:
        env.close()
    return [outcomes[i] for i in range(episodes)]


def _worker_env(meta: dict[str, Any], level_set: LevelSet, episode_indices: range) -> gym.Env:
    size = tuple(meta["size"])
    if level_set.levels:
        levels = [level_set.levels[i % len(level_set.levels)] for i in episode_indices]
        return gym.make(env_id(meta["game"]), level=LevelSequence(levels),
                        obs_type=meta["obs_type"], size=size,
                        max_steps=meta["max_episode_steps"])
    return make_level_set_env(meta["game"], level_set, meta["obs_type"], size,
                              meta["max_episode_steps"])


def evaluate(
    model: BaseAlgorithm,
    level_sets: list[LevelSet],
    episodes: int,
    *,
    seed: int = 0,
    deterministic: bool = False,
) -> list[TestSetResult]:
    """One :class:`TestSetResult` per test set."""
    meta = model_metadata(model)
    for level_set in level_sets:
        check_fits(meta["game"], level_set, tuple(meta["size"]))
    return [
        TestSetResult.from_outcomes(
            level_set, play(model, level_set, episodes, seed=seed, deterministic=deterministic)
        )
        for level_set in level_sets
    ]


def format_table(results: list[TestSetResult]) -> str:
    """The results as an aligned text table."""
    def interval(ci: tuple[float, float] | None, digits: int) -> str:
        return "-" if ci is None else f"[{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]"

    header = ("test set", "episodes", "win rate", "95% CI", "mean score", "95% CI")
    rows = [header] + [
        (r.name, str(r.episodes), f"{r.win_rate:.3f}", interval(r.win_rate_ci95, 3),
         f"{r.mean_score:.2f}", interval(r.mean_score_ci95, 2))
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     .rstrip() for row in rows)


def report(model_path: Path, words: list[str], episodes: int, out: Path, *, seed: int = 0,
           deterministic: bool = False, device: th.device | str = "cpu") -> str:
    """Evaluate the model file, loaded onto the torch ``device``, on the test sets named by
    ``words``; write the JSON report to ``out`` (atomically, creating its folder) and return
    the table.

    JSON: ``model``, ``game``, ``algo``, ``cpc``, ``obs_type``, ``num_timesteps``,
    ``episodes`` (per test set), ``seed``, ``deterministic`` and ``results``, one
    :class:`TestSetResult` per test set in the order given.
    """
    meta = read_metadata(model_path)
    level_sets = [parse_level_set(meta["game"], word, training=False) for word in words]
    for level_set in level_sets:
        check_fits(meta["game"], level_set, tuple(meta["size"]))
    model = load_model(model_path, device=device)
    results = evaluate(model, level_sets, episodes, seed=seed, deterministic=deterministic)
    document = {
        "model": str(model_path), "game": meta["game"], "algo": meta["algo"],
        "cpc": meta["cpc"], "obs_type": meta["obs_type"], "num_timesteps": model.num_timesteps,
        "episodes": episodes, "seed": seed, "deterministic": deterministic,
        "results": [result.to_json() for result in results],
    }

    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(document, indent=2) + "\n")

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        save_atomically(out, write)
    except OSError as err:
        # Named after the report, not the temporary file beside it that failed.
        raise OSError(err.errno, f"cannot write the report to {out}: {err.strerror}") from None
    return format_table(results)
