"""Scaling of a study: the aggregate env-steps/s of N runs trained at once, against one alone.

For each N, a fresh study of one condition with N seeds runs with N runs at once (``--jobs N``,
on the local process pool or on a local Ray with ``--ray``). Each run's own speed is SB3's
``time/fps`` over its whole training (from its TensorBoard events), so start-up and
evaluation do not count; the aggregate is their sum, and the efficiency is the aggregate over
N x the rate of one run alone (1.0: perfect scaling; the target is >= 0.9). The machine's load
average is printed with the figures, since other processes skew them.

    python scripts/bench_study.py --n 1 2 --steps 20000
    python scripts/bench_study.py --n 1 8 --steps 100000 --ray --device cuda --gpus-per-run 0.125
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from gvgai_agents.study import LOCAL_RAY, StudyConfig, parse_conditions, read_scalars, run_study
from gvgai_agents.train import TENSORBOARD

FPS_TAG = "time/fps"


def measure(args: argparse.Namespace, runs: int) -> tuple[list[float], float]:
    """Each run's env-steps/s, and the study's wall-clock seconds, with ``runs`` at once."""
    with tempfile.TemporaryDirectory(prefix="bench_study_") as folder:
        config = StudyConfig(
            args.game, parse_conditions(args.condition), Path(folder) / "study", preset="cpc",
            steps=args.steps, seeds=runs, jobs=runs, n_envs=args.n_envs, episodes=1,
            test_levels=1, test_difficulties=(0.5,), checkpoint_every=args.steps,
            device=args.device, cpus_per_run=args.cpus_per_run, gpus_per_run=args.gpus_per_run,
            ray=LOCAL_RAY if args.ray else None)
        began = time.perf_counter()
        run_study(config)
        wall = time.perf_counter() - began
        condition = config.conditions[0]
        rates = []
        for seed in range(runs):
            run = config.run(condition, seed, [])
            _, fps = read_scalars(run.directory / TENSORBOARD, FPS_TAG)
            rates.append(float(fps[-1]))
        return rates, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1, 2],
                        help="runs at once to measure (the first is the reference)")
    parser.add_argument("--game", default="zelda")
    parser.add_argument("--condition", default="0", help="a --conditions word of gvgai study")
    parser.add_argument("--steps", type=int, default=20_000, help="steps per run")
    parser.add_argument("--n-envs", type=int, default=8)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--cpus-per-run", type=float, default=1.0)
    parser.add_argument("--gpus-per-run", type=float, default=0.0)
    parser.add_argument("--ray", action="store_true", help="on a local Ray, not the local pool")
    args = parser.parse_args()

    backend = "ray" if args.ray else "local pool"
    print(f"{args.game} {args.condition}, {args.steps} steps x N runs, {args.n_envs} envs, "
          f"{args.device}, {backend}; load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'N':>3} {'per run (steps/s)':>18} {'aggregate':>10} {'efficiency':>10} {'wall s':>7}")
    single = None
    for runs in args.n:
        rates, wall = measure(args, runs)
        aggregate = sum(rates)
        single = single or aggregate / runs
        print(f"{runs:>3} {aggregate / runs:>18,.0f} {aggregate:>10,.0f} "
              f"{aggregate / (runs * single):>10.2f} {wall:>7.1f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
