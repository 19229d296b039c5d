"""``gvgai study GAME --conditions 0,pcg:1.0,ppcg,ppcg+nocpc --steps N --seeds 3 --out DIR``:
train every condition x seed, evaluate on common test sets, write results, summary and plots.

See :mod:`gvgai_agents.study` for the condition syntax, the test sets and the output files.
Options left out take :class:`gvgai_agents.study.StudyConfig`'s defaults; training itself
(torch, SB3) is imported only when the runs start, and Ray only with ``--ray``.
"""

from __future__ import annotations

import argparse
from dataclasses import fields
from pathlib import Path

from gvgai_agents.config import DEVICE_HELP, PRESETS
from gvgai_agents.errors import RunsFailedError
from gvgai_agents.study import (
    LOCAL_RAY,
    RESULTS_FILE,
    SMOKE_BUDGET,
    STUDY_FILE,
    SUMMARY_FILE,
    TEST_DIFFICULTIES,
    StudyConfig,
    parse_conditions,
    run_study,
)
from gvgai_py import GAMES
from gvgai_py.cli import CLIError

DEFAULTS = {f.name: f.default for f in fields(StudyConfig) if f.init}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "study", help="train conditions x seeds, evaluate on test sets, summarise",
        description="Train every condition with every seed, evaluate each model on our "
                    "levels, generated test levels (level seeds never drawn for training) and "
                    "optional extra levels, then write results.csv, summary.md and plots to "
                    "--out. Finished runs and evaluations are reused, so re-running the "
                    "command continues an interrupted study. --out must be missing, empty, "
                    f"or a study folder of the same game (it holds {STUDY_FILE}); runs in it "
                    "trained with other settings are refused.",
    )

    def option(name: str, help: str, **kwargs) -> None:
        parser.add_argument(f"--{name.replace('_', '-')}", default=argparse.SUPPRESS,
                            help=f"{help} (default: {DEFAULTS[name]})", **kwargs)

    parser.add_argument("game", help=f"one of {', '.join(GAMES)}")
    parser.add_argument("--conditions", required=True, metavar="C[,C...]",
                        help="training conditions: a --levels word of gvgai train (0, human, "
                             "pcg:D, ppcg, plr, PATH; several of our levels as 0+1+2), "
                             "optionally ending in +cpc or +nocpc; e.g. 0,pcg:1.0,ppcg,"
                             "ppcg+nocpc")
    option("algo", "RL algorithm: a2c | dqn | ppo")
    option("preset", "training setup of every run (see gvgai train --help): "
                     + " | ".join(PRESETS))
    option("cpc", "CPC for conditions without a +cpc/+nocpc suffix (None: the preset's)",
           action=argparse.BooleanOptionalAction)
    option("steps", "environment steps per run", type=int)
    option("seeds", "runs per condition, with seeds 0..N-1", type=int)
    option("jobs", "runs trained and evaluated at once, one process each", type=int)
    option("n_envs", "parallel environments per run (None: the preset's)", type=int)
    option("vec_env", "a run's environments in its own process (dummy; --jobs parallelises "
                      "runs) or one process each (subproc)", choices=("dummy", "subproc"))
    option("episodes", "evaluation episodes per model and test set", type=int)
    option("test_levels", "generated test levels per difficulty", type=int)
    option("test_difficulties", "difficulties of the generated test sets (None: "
           f"{' '.join(f'{d:g}' for d in TEST_DIFFICULTIES)} for a game with a level generator, "
           "none for the others)", type=float, nargs="+")
    option("extra_test_levels", "a further test set: the game's .txt levels in DIR (e.g. the "
                                "original GVGAI levels, zelda_lvl0.txt ...), named after DIR",
           type=Path, metavar="DIR")
    option("extra_test_name", "the name of the --extra-test-levels set in reports "
                              "(None: the folder's name)", metavar="NAME")
    option("max_episode_steps", "steps before an episode is cut off (None: the preset's)",
           type=int)
    option("checkpoint_every", "steps between checkpoints", type=int)
    option("eval_every", "steps between a run's evaluations on the test sets while it trains "
                         "(None: a tenth of --steps; 0: none)", type=int)
    option("eval_episodes", "episodes per test set in each of those evaluations", type=int)
    option("device", DEVICE_HELP)
    option("cpus_per_run", "CPUs each run uses: its torch threads, and on Ray the CPUs its "
                           "task reserves (fractions allowed)", type=float)
    option("gpus_per_run", "GPUs each Ray task reserves (fractions share a GPU)", type=float)
    parser.add_argument("--ray", nargs="?", const=LOCAL_RAY, default=argparse.SUPPRESS,
                        metavar="ADDRESS",
                        help="run each run as a Ray task (pip install 'gvgai_py[ray]'): on the "
                             "Ray cluster at ADDRESS (ray start --head prints it; --out must be "
                             "a path every node shares), or without ADDRESS on a Ray started "
                             "here with --jobs x --cpus-per-run CPUs")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: results/GAME)")
    parser.add_argument("--force", action="store_true",
                        help=f"write the study into an --out folder that holds other files "
                             f"but no {STUDY_FILE} (files of the names a study writes, such as "
                             f"{RESULTS_FILE} and {SUMMARY_FILE}, are overwritten)")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny budgets to check the pipeline end to end in seconds: "
                             + ", ".join(f"{k.replace('_', '-')} {v}"
                                         for k, v in SMOKE_BUDGET.items()))
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = {k: v for k, v in vars(args).items() if k not in ("func", "command", "force")}
    options["conditions"] = parse_conditions(args.conditions)
    options["out"] = args.out or Path("results") / args.game.lower()
    if "test_difficulties" in options:
        options["test_difficulties"] = tuple(options["test_difficulties"])
    config = StudyConfig(**options)
    try:
        written = run_study(config, force=args.force)
    except RunsFailedError as err:  # unlike the errors of bad input, not a ValueError
        raise CLIError(str(err)) from None
    for path in written:
        print(path)
    print()
    print((config.out / SUMMARY_FILE).read_text(), end="")
    return 0
