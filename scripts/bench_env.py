"""Environment speed: steps/s per game with random actions, resets included.

Plays the original GVGAI levels, five per game (read from the shared reference folder, never
copied) through ``gymnasium.make``, with the default symbolic observation and with pixels, and
compares the symbolic rate with the Java engine's end-to-end rate (:data:`TIMING`:
``java_random_agent_timing.csv`` for the first four games, ``java_random_agent_timing_more.csv``
for the other seven; withNIL rows: cycles / wall time including level build and reset).
Targets: symbolic >= 1.0x Java, pixels >= 50% of symbolic.

    python scripts/bench_env.py [--steps 20000] [--clock wall|cpu] [--games G ...]
                                [--reference DIR]

``--clock cpu`` counts this process's CPU time instead of wall time, for a busy machine.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import gymnasium as gym
import numpy as np

# The sibling script (``python scripts/bench_env.py`` puts scripts/ on the path): both read
# the same reference folder.
from fidelity import REFERENCE, missing_reference

import gvgai_py
from gvgai_py import GAMES

TIMING = ("java_random_agent_timing.csv", "java_random_agent_timing_more.csv")
"""The Java engine's timings, each file some of the games (a ``game`` column)."""
TIMING_COLUMNS = "variant, game, total_cycles, wall_seconds_incl_build_reset"


def java_rates(reference: Path) -> dict[str, float]:
    """End-to-end Java cycles/s per game (with-NIL random agent, build and reset included),
    from the :data:`TIMING` files found."""
    cycles: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for name in TIMING:
        if not (reference / name).is_file():
            continue
        with open(reference / name, newline="") as f:
            for row in csv.DictReader(f):
                if row["variant"] == "withNIL":
                    game = row["game"]
                    cycles[game] = cycles.get(game, 0) + float(row["total_cycles"])
                    seconds[game] = (seconds.get(game, 0)
                                     + float(row["wall_seconds_incl_build_reset"]))
    return {game: cycles[game] / seconds[game] for game in cycles}


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def seconds_for(env: gym.Env, steps: int, seed: int, clock) -> float:
    """Time taken by ``steps`` random-action steps, resets included."""
    actions = np.random.default_rng(seed).integers(env.action_space.n, size=steps)
    start = clock()
    env.reset(seed=seed)
    for action in actions:
        _, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            env.reset()
    return clock() - start


def game_rate(game: str, levels: Path, obs_type: str, steps: int, clock) -> float:
    """Steps/s over the five original levels of one game."""
    total = 0.0
    for number in range(5):
        path = str(levels / f"{game}_lvl{number}.txt")
        env = gym.make(gvgai_py.env_id(game), level=path, obs_type=obs_type)
        total += seconds_for(env, steps, seed=number, clock=clock)
        env.close()
    return 5 * steps / total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20000, help="steps per level")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--games", nargs="*", default=list(GAMES), choices=list(GAMES),
                        metavar="GAME", help="games to time (default: all)")
    args = parser.parse_args(argv)
    missing = missing_reference(args.reference, args.games, TIMING, TIMING_COLUMNS)
    if missing:
        print(f"bench_env.py: {missing}", file=sys.stderr)
        return 2
    levels = args.reference / "levels"
    java = java_rates(args.reference)
    clock = CLOCKS[args.clock]
    print(f"steps/s ({args.clock} clock), random actions, resets included")
    print("| game | symbolic | Java | symbolic / Java | pixels | pixels / symbolic |")
    print("|---|---|---|---|---|---|")
    for game in args.games:
        symbolic = game_rate(game, levels, "symbolic", args.steps, clock)
        pixels = game_rate(game, levels, "pixels", args.steps, clock)
        print(
            f"| {game} | {symbolic:,.0f} | {java[game]:,.0f} | {symbolic / java[game]:.2f} "
            f"| {pixels:,.0f} | {pixels / symbolic:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
