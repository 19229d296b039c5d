"""``gvgai demo``: the setup that learns, on Frogs with Progressive PCG, against a random agent.

A2C without CPC (``--preset learns``) trains on generated Frogs levels whose difficulty follows
its win rate, for :data:`DEMO_STEPS` environment steps: a few minutes on a 2-core machine. The
progress bar shows the training win rate and the difficulty as they rise; at the end the model
and a uniform random agent play the same held-out episodes, so the table shows what was learnt
(results/ladder/README.md: Frogs is the game that learns within this budget). Without the level
generators it trains on our level 0 instead, and says so.
"""

from __future__ import annotations

import argparse
import time
from importlib.util import find_spec
from pathlib import Path

from gvgai_agents.config import DEVICE_HELP, TrainConfig
from gvgai_agents.levels import GENERATOR_MODULES, HUMAN, PPCG

DEMO_GAME = "frogs"
DEMO_STEPS = 150_000
EVAL_EPISODES = 50
GENERATED_TEST_SETS = ["pcg:0", "pcg:0.5", HUMAN]
"""Held-out levels of the difficulty PPCG starts from, of a harder one, and our levels."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo", help="short A2C training run on Frogs with PPCG, then an evaluation against "
                     "a random agent",
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
    the model and a random agent there on held-out generated levels and our levels, print the
    table, PPCG's difficulty and where the TensorBoard logs are; returns the run directory."""
    from gvgai_agents.algorithms import resolve_device  # heavy: torch and SB3
    from gvgai_agents.evaluate import report
    from gvgai_agents.train import FINAL_MODEL, TENSORBOARD, train

    generated = all(find_spec(module) for module in GENERATOR_MODULES)
    if not generated:
        print("level generators not installed: training on level 0 instead of PPCG")
    config = TrainConfig(
        game=DEMO_GAME, algo="a2c", preset="learns", levels=PPCG if generated else "0",
        steps=steps, seed=seed, logdir=logdir, eval_every=max(steps // 3, 1), eval_episodes=10,
        checkpoint_every=max(steps // 3, 1), device=device,
        run_name=f"demo-{DEMO_GAME}-a2c-s{seed}-{time.strftime('%Y%m%d-%H%M%S')}",
    )
    test_sets = GENERATED_TEST_SETS if generated else [HUMAN]
    print(plan(config, test_sets, episodes), flush=True)
    run_dir = train(config)
    print(report(run_dir / FINAL_MODEL, test_sets, episodes, run_dir / "eval.json", seed=seed,
                 device=resolve_device(device), random_agent=True))
    if generated:
        print(difficulty_line(run_dir / TENSORBOARD))
    print(f"evaluation: {run_dir / 'eval.json'}")
    print(f"TensorBoard: tensorboard --logdir {run_dir / TENSORBOARD}")
    return run_dir


def plan(config: TrainConfig, test_sets: list[str], episodes: int) -> str:
    """The line the demo starts with: what it trains, on which levels, for how long, how it
    evaluates and where the run goes."""
    algo = config.algo.upper() + (" + CPC" if config.cpc else "")
    return (f"gvgai demo: {algo} (preset {config.preset}) on {config.game}, levels "
            f"{config.levels}, {config.steps} steps on device {config.device}, then the model "
            f"and a random agent play {episodes} episodes on each of {', '.join(test_sets)}; "
            f"run directory {Path(config.logdir) / config.run_name}")


def difficulty_line(tensorboard_dir: Path) -> str:
    """PPCG's difficulty at the first and last logged step, and its peak, from the run's
    TensorBoard logs."""
    from gvgai_agents.study.report import DIFFICULTY_TAG, read_scalars

    curve = read_scalars(tensorboard_dir, DIFFICULTY_TAG)
    if curve is None:
        return "PPCG difficulty: not logged"
    _, values = curve
    return (f"PPCG difficulty: {values[0]:.2f} at the start, {values[-1]:.2f} at the end "
            f"(peak {values.max():.2f})")
