"""Environment speed: steps/s per game with random actions, resets included.

Plays the 20 original GVGAI levels (read from the shared reference folder, never copied)
through ``gymnasium.make`` with the default symbolic observation, and compares each game's
rate with the Java engine's end-to-end rate (``java_random_agent_timing.csv``, withNIL rows:
cycles / wall time including level build and reset).

    python scripts/bench_env.py [--steps 20000] [--obs symbolic] [--reference DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

import gvgai_py
from gvgai_py import GAMES

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "gvgai-reference"


def java_rates(reference: Path) -> dict[str, float]:
    """End-to-end Java cycles/s per game (with-NIL random agent, build and reset included)."""
    cycles: dict[str, float] = {}
    seconds: dict[str, float] = {}
    with open(reference / "java_random_agent_timing.csv") as f:
        for row in csv.DictReader(f):
            if row["variant"] == "withNIL":
                game = row["game"]
                cycles[game] = cycles.get(game, 0) + float(row["total_cycles"])
                seconds[game] = seconds.get(game, 0) + float(row["wall_seconds_incl_build_reset"])
    return {game: cycles[game] / seconds[game] for game in cycles}


def steps_per_second(env: gym.Env, steps: int, seed: int) -> float:
    """Random-action steps per second over ``steps`` steps, resets included."""
    actions = np.random.default_rng(seed).integers(env.action_space.n, size=steps)
    start = time.perf_counter()
    env.reset(seed=seed)
    for action in actions:
        _, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            env.reset()
    return steps / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20000, help="steps per level")
    parser.add_argument("--obs", default="symbolic", help="obs_type to measure")
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    args = parser.parse_args(argv)
    levels = args.reference / "levels"
    if not levels.is_dir():
        print(f"no reference levels in {levels}", file=sys.stderr)
        return 2
    java = java_rates(args.reference)
    print(f"| game | ours steps/s ({args.obs}) | Java steps/s | ratio |")
    print("|---|---|---|---|")
    for game in GAMES:
        total_time = 0.0
        for number in range(5):
            env = gym.make(
                gvgai_py.env_id(game), level=str(levels / f"{game}_lvl{number}.txt"),
                obs_type=args.obs,
            )
            total_time += args.steps / steps_per_second(env, args.steps, seed=number)
            env.close()
        rate = 5 * args.steps / total_time
        print(f"| {game} | {rate:,.0f} | {java[game]:,.0f} | {rate / java[game]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
