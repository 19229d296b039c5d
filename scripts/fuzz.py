"""Fuzz the environments: seeded random actions on every level, checking every step.

Episodes go round-robin over every level: ours (``levels/<game>/lvl*.txt``, where present) and
the original GVGAI levels (read from the shared reference folder, never copied). After each
step the observation must lie in the observation space, the score and reward must be finite,
the reward must be the change in score, and ``info`` must be complete and consistent.

    python scripts/fuzz.py --steps 1000000 [--seed 0]

A violation is printed with the level and the episode seed; replay that one episode with

    python scripts/fuzz.py --level PATH --episode-seed N

Exit status 1 if anything was violated.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import gymnasium as gym
import numpy as np
from tqdm import tqdm

from gvgai_py import GAMES, env_id

REPO = Path(__file__).resolve().parents[1]
ORIGINAL_LEVELS = Path(
    os.environ.get("GVGAI_ORIGINAL_LEVELS", REPO.parent / "shared" / "gvgai-reference" / "levels")
)
INFO_KEYS = ("score", "won", "lost", "ticks")


def level_files() -> list[Path]:
    """Every playable level file: ours first, then the originals that are present."""
    ours = sorted(path for game in GAMES for path in (REPO / "levels" / game).glob("lvl*.txt"))
    originals = sorted(ORIGINAL_LEVELS.glob("*_lvl*.txt"))
    return ours + [path for path in originals if game_of(path) in GAMES]


def game_of(level: Path) -> str:
    """``levels/zelda/lvl0.txt`` and ``zelda_lvl0.txt`` are both Zelda levels."""
    return level.parent.name if level.parent.name in GAMES else level.name.split("_lvl")[0]


def make_env(level: Path, max_steps: int = 2000) -> gym.Env:
    return gym.make(env_id(game_of(level)), level=str(level), max_steps=max_steps).unwrapped


def episode(env: gym.Env, seed: int) -> Iterator[list[str]]:
    """Play one episode with random actions drawn from ``seed``; after each step, yield the
    invariants it broke (an empty list when all hold)."""
    actions = np.random.default_rng(seed)
    obs, info = env.reset(seed=seed)
    score, ticks = 0.0, 0
    # Problems at reset are reported with the first step.
    problems = [] if obs in env.observation_space else ["reset: observation outside the space"]
    if info.get("score") != 0 or info.get("ticks") != 0:
        problems.append(f"reset: info {info}")
    done = False
    while not done:
        action = int(actions.integers(env.action_space.n))
        obs, reward, terminated, truncated, info = env.step(action)
        if obs not in env.observation_space:
            problems.append("observation outside the space")
        if missing := [key for key in INFO_KEYS if key not in info]:
            problems.append(f"info lacks {missing}")
            yield problems
            return
        if not (math.isfinite(reward) and math.isfinite(info["score"])):
            problems.append(f"reward {reward}, score {info['score']}")
        elif not math.isclose(reward, info["score"] - score, abs_tol=1e-9):
            problems.append(f"reward {reward} but the score went {score} -> {info['score']}")
        if info["ticks"] != ticks + 1:
            problems.append(f"ticks went {ticks} -> {info['ticks']}")
        if terminated != (info["won"] or info["lost"]) or (terminated and truncated):
            problems.append(f"terminated={terminated} truncated={truncated} info={info}")
        score, ticks, done = info["score"], info["ticks"], terminated or truncated
        yield problems
        problems = []


def fuzz(steps: int, seed: int) -> int:
    """Play ``steps`` steps round-robin over every level; return the number of violations."""
    levels = level_files()
    if not levels:
        sys.exit(f"no levels found (ours in {REPO / 'levels'}, originals in {ORIGINAL_LEVELS})")
    envs = [make_env(level) for level in levels]
    originals = sum(level.is_relative_to(ORIGINAL_LEVELS) for level in levels)
    print(f"{len(levels)} levels ({len(levels) - originals} ours, {originals} originals)")
    played = violations = episodes = 0
    start = time.perf_counter()
    with tqdm(total=steps, unit="step", smoothing=0.05) as bar:
        while played < steps:
            index = episodes % len(levels)
            episode_seed = seed * 1_000_003 + episodes
            for step, problems in enumerate(episode(envs[index], episode_seed), start=1):
                played += 1
                bar.update(1)
                for problem in problems:
                    violations += 1
                    tqdm.write(
                        f"VIOLATION {problem} at step {step}: replay with --level "
                        f"{levels[index]} --episode-seed {episode_seed}"
                    )
                if played >= steps:
                    break
            episodes += 1
    elapsed = time.perf_counter() - start
    print(
        f"{played} steps, {episodes} episodes in {elapsed:.1f} s: {played / elapsed:,.0f} steps/s;"
        f" {violations} violations (seed {seed})"
    )
    return violations


def replay(level: Path, episode_seed: int) -> int:
    """Replay one episode, printing each step's violations; return their number."""
    violations = 0
    for step, problems in enumerate(episode(make_env(level), episode_seed), start=1):
        for problem in problems:
            violations += 1
            print(f"step {step}: {problem}")
    print(f"{step} steps, {violations} violations")
    return violations


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000, help="steps in all (100000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the whole run (0)")
    parser.add_argument("--level", type=Path, help="replay one episode on this level file")
    parser.add_argument("--episode-seed", type=int, help="seed of the episode to replay")
    args = parser.parse_args(argv)
    if (args.level is None) != (args.episode_seed is None):
        parser.error("--level and --episode-seed go together")
    if args.level is not None:
        return 1 if replay(args.level, args.episode_seed) else 0
    return 1 if fuzz(args.steps, args.seed) else 0


if __name__ == "__main__":
    sys.exit(main())
