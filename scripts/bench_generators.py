"""Level supply speed: verified generated levels per second, and their share of training time.

Part 1, for each game and difficulty: :func:`generators.generate_verified` on level seeds
0..N-1 in this process; prints verified levels per second, draws per verified level (how often
the search rejects a draw) and the mean and slowest seconds per level.

Part 2 (``--train-steps S``): a short A2C run (``gvgai train``'s defaults: 8 subprocess envs,
16-step rollouts, symbolic observations) on fresh ``pcg`` levels, timing how long the resets
waited for levels against the run's wall time, without and with prefetching (``--prefetch``).
The first level of each worker is left out (it pays for imports and warm-up). Prefetching
hides the wait but not the work, so each line also estimates the CPU time spent generating
(levels served x part 1's mean) as a share of all cores' time. The machine's load is printed
too, since other processes slow everything.

    python scripts/bench_generators.py --levels 20
    python scripts/bench_generators.py --games zelda --difficulties 0.5 --train-steps 20000
"""

from __future__ import annotations

import argparse
import functools
import os
import time
from typing import Any

import gymnasium as gym
import numpy as np
from stable_baselines3 import A2C
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import SubprocVecEnv

from generators import GENERATORS, MAX_TRIES, draws
from generators.pcg import PCGLevelSource
from gvgai_py import Level, env_id

DIFFICULTIES = (0.0, 0.25, 0.5, 0.75, 1.0)
TRAIN_ENVS = 8
TRAIN_ROLLOUT = 16


def supply_rate(game: str, difficulty: float, levels: int) -> tuple[str, float]:
    """One line of part 1 for ``game`` at ``difficulty`` over level seeds 0..levels-1, and
    the mean seconds per verified level."""
    seconds, tries, failed = [], [], 0
    for seed in range(levels):
        began = time.perf_counter()
        for attempt, (_, verdict) in enumerate(draws(game, difficulty, seed), start=1):
            if verdict.solvable or attempt == MAX_TRIES:
                break
        seconds.append(time.perf_counter() - began)
        tries.append(attempt)
        failed += not verdict.solvable
    total = sum(seconds)
    line = (
        f"{game:12s} d={difficulty:4.2f}  {(levels - failed) / total:7.2f} levels/s  "
        f"{np.mean(tries):4.2f} draws/level  mean {np.mean(seconds) * 1000:7.1f} ms  "
        f"max {max(seconds) * 1000:8.1f} ms  unsolvable {failed}/{levels}"
    )
    return line, total / levels


class TimedSource(PCGLevelSource):
    """The ``pcg`` source, adding up the wall time its resets after the first spend getting
    levels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, rng: np.random.Generator) -> Level:
        began = time.perf_counter()
        level = super().__call__(rng)
        if self.calls:
            self.seconds += time.perf_counter() - began
        self.calls += 1
        return level


class SupplyTimer(gym.Wrapper):
    """Exposes the seconds its env's :class:`TimedSource` spent (for ``VecEnv.get_attr``)."""

    def __init__(self, env: gym.Env, source: TimedSource) -> None:
        super().__init__(env)
        self.source = source

    @property
    def supply_seconds(self) -> float:
        return self.source.seconds

    @property
    def levels_served(self) -> int:
        return self.source.calls


def timed_env(game: str, difficulty: float, prefetch: int) -> gym.Env:
    source = TimedSource(game, difficulty=difficulty, prefetch=prefetch)
    return SupplyTimer(gym.make(env_id(game), level=source, size=source.max_size), source)


def training_share(
    game: str, difficulty: float, steps: int, prefetch: int, seconds_per_level: float
) -> str:
    """One line of part 2 for ``game`` at ``difficulty``: A2C on fresh levels, with the time
    the envs' resets waited for levels. A reset in one worker blocks the whole vectorized
    step, so that time is set against wall time.

    Waiting is not the whole cost: prefetching threads take CPU time that training would
    otherwise use when every core is busy. The line also estimates that time as levels served
    times ``seconds_per_level`` (part 1's mean), against wall time times the cores."""
    env = make_vec_env(
        functools.partial(timed_env, game, difficulty, prefetch), n_envs=TRAIN_ENVS,
        vec_env_cls=SubprocVecEnv, seed=0,
    )
    try:
        model = A2C("MlpPolicy", env, n_steps=TRAIN_ROLLOUT, seed=0, device="cpu")
        began = time.perf_counter()
        model.learn(steps)
        wall = time.perf_counter() - began
        supply = sum(env.get_attr("supply_seconds"))
        served = sum(env.get_attr("levels_served"))
    finally:
        env.close()
    lengths = [episode["l"] for episode in model.ep_info_buffer]
    generation = served * seconds_per_level
    return (
        f"{game:12s} d={difficulty:4.2f} prefetch {prefetch}  {steps / wall:5.0f} steps/s  "
        f"{len(model.ep_info_buffer)}+ episodes of {np.mean(lengths):4.0f} steps  "
        f"resets waited {supply:6.1f} s of {wall:6.1f} s wall = {supply / wall:5.1%}  "
        f"generation ~{served} levels x {seconds_per_level * 1000:.1f} ms = {generation:5.1f} s "
        f"= {generation / (wall * os.cpu_count()):5.1%} of the CPUs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", nargs="+", default=list(GENERATORS), choices=list(GENERATORS))
    parser.add_argument("--difficulties", nargs="+", type=float, default=list(DIFFICULTIES))
    parser.add_argument("--levels", type=int, default=10, help="level seeds per difficulty")
    parser.add_argument("--train-steps", type=int, default=0,
                        help="also time training with fresh levels (0: skip)")
    parser.add_argument("--prefetch", type=int, nargs="+", default=[0, 2],
                        help="the level source's prefetch settings to train with")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    seconds_per_level = {}
    for game in args.games:
        for difficulty in args.difficulties:
            line, seconds_per_level[game, difficulty] = supply_rate(game, difficulty, args.levels)
            print(line, flush=True)
    if args.train_steps:
        for game in args.games:
            for difficulty in args.difficulties:
                for prefetch in args.prefetch:
                    print(training_share(game, difficulty, args.train_steps, prefetch,
                                         seconds_per_level[game, difficulty]), flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
