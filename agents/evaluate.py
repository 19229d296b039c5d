"""Evaluate a trained model on test sets of levels: win rate and mean score, with 95% CIs.

Episode ``i`` of a test set is reset with seed ``seed + i`` and, for fixed levels, plays level
``i mod n``; so every model meets the same episodes. Episodes run in batches of up to
``parallel`` environments that share one forward pass of the policy. The first episodes of a
test set can be recorded as videos (:class:`Videos`, Gymnasium's ``RecordVideo``, which needs
moviepy: the ``video`` extra). A report can put a uniform random agent's results on the same
episodes beside the model's (:class:`~gvgai_agents.baselines.RandomAgent`), the level a win rate
is read against.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch as th
from gymnasium.wrappers import RecordVideo
from stable_baselines3.common.base_class import BaseAlgorithm
from tqdm import tqdm

from gvgai_agents.algorithms import load_model, model_metadata, read_metadata
from gvgai_agents.baselines import RandomAgent
from gvgai_agents.errors import LevelsError
from gvgai_agents.levels import LevelSequence, LevelSet, parse_level_set
from gvgai_py import env_id
from gvgai_py.files import save_atomically

Z_95 = 1.959964
"""Two-sided 95% quantile of the normal distribution."""
VIDEO_SCALE = 4
"""Pixels of a video per pixel of the game's frames (a Zelda frame is 130x90)."""


@dataclass(frozen=True)
class Videos:
    """Record the first ``episodes`` episodes of each test set, as
    ``folder/<test set name>/episode-<i>.mp4`` (``i`` counts the set's episodes from 0)."""

    folder: Path
    episodes: int


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
    progress: bool = False,
    videos: Videos | None = None,
) -> list[Outcome]:
    """Play ``episodes`` episodes of ``level_set`` with ``model`` (see the module docstring).

    The environments are built from the model's ``gvgai`` metadata. Actions are sampled from
    the policy unless ``deterministic``: an argmax policy can walk into a loop and time out.
    ``progress`` shows a tqdm bar of the episodes on stderr; ``videos`` records the first
    episodes as ``videos.folder/episode-<i>.mp4``.
    """
    meta = model_metadata(model)
    workers = min(parallel, episodes)
    envs = [_worker_env(meta, level_set, range(j, episodes, workers), videos)
            for j in range(workers)]
    next_episode = list(range(workers))
    observations = [env.reset(seed=seed + j)[0] for j, env in enumerate(envs)]
    active = list(range(workers))
    outcomes: dict[int, Outcome] = {}
    bar = tqdm(total=episodes, desc=level_set.name, unit="episode", disable=not progress,
               dynamic_ncols=True)
    while active:
        actions, _ = model.predict(np.stack([observations[j] for j in active]),
                                   deterministic=deterministic)
        still_active = []
        for j, action in zip(active, actions, strict=True):
            obs, _, terminated, truncated, info = envs[j].step(int(action))
            if terminated or truncated:
                outcomes[next_episode[j]] = Outcome(bool(info["won"]), float(info["score"]),
                                                    int(info["ticks"]))
                bar.update()
                next_episode[j] += workers
                if next_episode[j] >= episodes:
                    continue
                obs, _ = envs[j].reset(seed=seed + next_episode[j])
            observations[j] = obs
            still_active.append(j)
        active = still_active
    bar.close()
    for env in envs:
        env.close()  # writes the last video
    return [outcomes[i] for i in range(episodes)]


def _worker_env(meta: dict[str, Any], level_set: LevelSet, episode_indices: range,
                videos: Videos | None) -> gym.Env:
    """The environment that plays the episodes ``episode_indices`` of the test set, recording
    those that ``videos`` asks for."""
    if level_set.levels:
        level = LevelSequence([level_set.levels[i % len(level_set.levels)]
                               for i in episode_indices])
    else:
        level = level_set.level_source(meta["game"])
    frames = {} if videos is None else {"render_mode": "rgb_array", "render_scale": VIDEO_SCALE}
    env = gym.make(env_id(meta["game"]), level=level, obs_type=meta["obs_type"],
                   size=tuple(meta["size"]), max_steps=meta["max_episode_steps"], **frames)
    if videos is None:
        return env
    return EpisodeVideos(env, videos, episode_indices)


class EpisodeVideos(RecordVideo):
    """Gymnasium's RecordVideo, recording the episodes of a test set that ``videos`` asks for
    and naming each video after the episode it shows (``episode-<i>.mp4``) rather than after
    this environment's own count: the episodes of a test set are spread over several
    environments."""

    def __init__(self, env: gym.Env, videos: Videos, episode_indices: Sequence[int]) -> None:
        self.episode_indices = episode_indices
        with warnings.catch_warnings():
            # RecordVideo warns when its folder exists, as it does for every environment but
            # the first; gvgai eval has asked for --force before writing into a used folder.
            warnings.simplefilter("ignore")
            super().__init__(env, str(videos.folder),
                             episode_trigger=lambda k: episode_indices[k] < videos.episodes)

    def start_recording(self, video_name: str) -> None:
        super().start_recording(f"episode-{self.episode_indices[self.episode_id]}")


def evaluate(
    model: BaseAlgorithm,
    level_sets: list[LevelSet],
    episodes: int,
    *,
    seed: int = 0,
    deterministic: bool = False,
    progress: bool = False,
    videos: Videos | None = None,
) -> list[TestSetResult]:
    """One :class:`TestSetResult` per test set; ``progress`` and ``videos`` as in
    :func:`play` (each test set's videos in a folder named after it)."""
    meta = model_metadata(model)
    for level_set in level_sets:
        check_fits(meta["game"], level_set, tuple(meta["size"]))
    names = [level_set.name for level_set in level_sets]
    if videos is not None and len(set(names)) < len(names):
        raise LevelsError(f"test sets {', '.join(names)}: two of the same name would share "
                          "a video folder")
    return [
        TestSetResult.from_outcomes(level_set, play(
            model, level_set, episodes, seed=seed, deterministic=deterministic,
            progress=progress,
            videos=None if videos is None else replace(
                videos, folder=videos.folder / level_set.name)))
        for level_set in level_sets
    ]


def format_table(results: list[TestSetResult],
                 random_agent: list[TestSetResult] | None = None) -> str:
    """The results as an aligned text table; with ``random_agent`` (one result per test set,
    in the same order) its win rates in two more columns."""
    def interval(ci: tuple[float, float] | None, digits: int) -> str:
        return "-" if ci is None else f"[{ci[0]:.{digits}f}, {ci[1]:.{digits}f}]"

    header = ("test set", "episodes", "win rate", "95% CI", "mean score", "95% CI")
    rows = [
        (r.name, str(r.episodes), f"{r.win_rate:.3f}", interval(r.win_rate_ci95, 3),
         f"{r.mean_score:.2f}", interval(r.mean_score_ci95, 2))
        for r in results
    ]
    if random_agent is not None:
        header += ("random agent", "95% CI")
        rows = [row + (f"{b.win_rate:.3f}", interval(b.win_rate_ci95, 3))
                for row, b in zip(rows, random_agent, strict=True)]
    rows = [header] + rows
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     .rstrip() for row in rows)


def report(model_path: Path, words: list[str], episodes: int, out: Path, *, seed: int = 0,
           deterministic: bool = False, device: th.device | str = "cpu",
           videos: Videos | None = None, random_agent: bool = False) -> str:
    """Evaluate the model file, loaded onto the torch ``device``, on the test sets named by
    ``words``, with a progress bar of each set's episodes (and ``videos``: see
    :func:`evaluate`); with ``random_agent``, play a uniform random agent on the same episodes
    too; write the JSON report to ``out`` (atomically, creating its folder) and return the
    table.

    JSON: ``model``, ``game``, ``algo``, ``cpc``, ``obs_type``, ``num_timesteps``,
    ``episodes`` (per test set), ``seed``, ``deterministic``, ``videos`` (their folder, or
    null), ``results``, one :class:`TestSetResult` per test set in the order given, and
    ``random_agent``, the random agent's results in the same form (or null).
    """
    meta = read_metadata(model_path)
    level_sets = [parse_level_set(meta["game"], word, training=False) for word in words]
    for level_set in level_sets:
        check_fits(meta["game"], level_set, tuple(meta["size"]))
    model = load_model(model_path, device=device)
    results = evaluate(model, level_sets, episodes, seed=seed, deterministic=deterministic,
                       progress=True, videos=videos)
    baseline = None
    if random_agent:
        agent = RandomAgent(meta["game"], tuple(meta["size"]), meta["max_episode_steps"], seed)
        baseline = evaluate(agent, level_sets, episodes, seed=seed, progress=True)
    document = {
        "model": str(model_path), "game": meta["game"], "algo": meta["algo"],
        "cpc": meta["cpc"], "obs_type": meta["obs_type"], "num_timesteps": model.num_timesteps,
        "episodes": episodes, "seed": seed, "deterministic": deterministic,
        "videos": None if videos is None else str(videos.folder),
        "results": [result.to_json() for result in results],
        "random_agent": None if baseline is None else [r.to_json() for r in baseline],
    }

    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(document, indent=2) + "\n")

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        save_atomically(out, write)
    except OSError as err:
        # Named after the report, not the temporary file beside it that failed.
        raise OSError(err.errno, f"cannot write the report to {out}: {err.strerror}") from None
    return format_table(results, baseline)
