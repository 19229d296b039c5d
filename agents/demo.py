"""``gvgai demo``: A2C + CPC on Zelda with a Progressive PCG curriculum, then an evaluation.

A few minutes on a 2-core machine (:data:`DEMO_STEPS` environment steps, about 1000 a
second). Without the level generators it trains on our level 0 instead, and says so.
"""

from __future__ import annotations

import argparse
import time
from importlib.util import find_spec
from pathlib import Path

from gvgai_agents.config import DEVICE_HELP, TrainConfig
from gvgai_agents.levels import GENERATOR_MODULES, HUMAN, PPCG

DEMO_STEPS = 150_000
EVAL_EPISODES = 50


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="short A2C + CPC training run on Zelda with PPCG, then an evaluation",
        description=__doc__.splitlines()[0].strip("`"),
    )
    parser.add_argument("--steps", type=int, default=DEMO_STEPS,
                        help=f"environment steps (default {DEMO_STEPS})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--logdir", default="runs", help="where the run goes (default runs/)")
    parser.add_argument("--episodes", type=int, default=EVAL_EPISODES,
                        help=f"evaluation episodes per test set (default {EVAL_EPISODES})")
    parser.add_argument("--device", default="auto", help=f"{DEVICE_HELP} (default auto)")
    parser.set_defaults(func=_run_command)


def _run_command(args: argparse.Namespace) -> int:
    run(args.steps, args.logdir, args.seed, args.episodes, args.device)
    return 0


def run(steps: int = DEMO_STEPS, logdir: str = "runs", seed: int = 0,
        episodes: int = EVAL_EPISODES, device: str = "auto") -> Path:
    """Say what it runs (:func:`plan`), train on ``device`` (a ``--device`` name), evaluate
    there on our levels (and generated ones), print the table and where the TensorBoard logs
    are; returns the run directory."""
    from gvgai_agents.algorithms import resolve_device  # heavy: torch and SB3
    from gvgai_agents.evaluate import report
    from gvgai_agents.train import FINAL_MODEL, TENSORBOARD, train

    generated = all(find_spec(module) for module in GENERATOR_MODULES)
    if not generated:
        print("level generators not installed: training on level 0 instead of PPCG")
    config = TrainConfig(
        game="zelda", algo="a2c", cpc=True, levels=PPCG if generated else "0", steps=steps,
        seed=seed, logdir=logdir, eval_every=max(steps // 3, 1), eval_episodes=10,
        checkpoint_every=max(steps // 3, 1), device=device,
        run_name=f"demo-zelda-a2c-cpc-s{seed}-{time.strftime('%Y%m%d-%H%M%S')}",
    )
    test_sets = [HUMAN, "pcg:0.5", "pcg:1.0"] if generated else [HUMAN]
    print(plan(config, test_sets, episodes), flush=True)
    run_dir = train(config)
    print(report(run_dir / FINAL_MODEL, test_sets, episodes, run_dir / "eval.json", seed=seed,
                 device=resolve_device(device)))
    print(f"evaluation: {run_dir / 'eval.json'}")
    print(f"TensorBoard: tensorboard --logdir {run_dir / TENSORBOARD}")
    return run_dir


def plan(config: TrainConfig, test_sets: list[str], episodes: int) -> str:
    """The line the demo starts with: what it trains, on which levels, for how long, how it
    evaluates and where the run goes."""
    algo = config.algo.upper() + (" + CPC" if config.cpc else "")
    return (f"gvgai demo: {algo} on {config.game}, levels {config.levels}, {config.steps} "
            f"steps on device {config.device}, then {episodes} episodes on each of "
            f"{', '.join(test_sets)}; run directory {Path(config.logdir) / config.run_name}")
