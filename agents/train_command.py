"""``gvgai train GAME [options]`` or ``gvgai train --resume RUN_DIR [--steps N] [--device D]``.

Options come from :class:`agents.config.TrainConfig`; training itself (torch, SB3) is imported
only when the command runs, so ``gvgai --help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gvgai_agents.config import TrainConfig
from gvgai_py.cli import CLIError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train", help="train an agent (A2C/DQN/PPO, optionally with CPC)",
        description="Train an agent and log it to a run directory under --logdir. An "
                    "existing run directory is never replaced (there is no --force): --resume "
                    "it, or choose another --run-name.",
    )
    TrainConfig.add_arguments(parser)
    parser.add_argument("--resume", metavar="RUN_DIR", default=argparse.SUPPRESS,
                        help="continue RUN_DIR from its newest checkpoint, with its own options "
                             "(only --steps may be given, to train further, and --device, "
                             "else auto: the run's own device is not reused)")
    # Accepted only to explain why it is refused: the other commands' --force overwrites a
    # file, here it would delete a whole run (models, checkpoints, logs).
    parser.add_argument("--force", action="store_true", default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if "force" in args:
        raise CLIError("--force: gvgai train never deletes a run directory; --resume it, "
                       "choose another --run-name, or delete it yourself to start over")
    options = {k: v for k, v in vars(args).items() if k not in ("func", "command", "resume")}
    from gvgai_agents import train  # heavy: torch and SB3

    if "resume" in args:
        extra = sorted(set(options) - {"steps", "device"})
        if extra:
            flags = ", ".join(extra)
            raise CLIError(f"--resume continues a run with its own options; drop: {flags}")
        if "steps" in options and options["steps"] <= 0:
            raise CLIError(f"--steps must be positive, got {options['steps']}")
        run_dir = train.resume(Path(args.resume), **options)
    else:
        run_dir = train.train(TrainConfig(**options))
    print(f"model: {run_dir / train.FINAL_MODEL}")
    print(f"TensorBoard: tensorboard --logdir {run_dir / train.TENSORBOARD}")
    return 0
