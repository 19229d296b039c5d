"""``gvgai eval MODEL|RUN_DIR --levels human pcg:0.5 ... --episodes 100 [--video DIR]``."""

from __future__ import annotations

import argparse
from importlib.util import find_spec
from pathlib import Path

from gvgai_agents.config import DEVICE_HELP
from gvgai_agents.errors import ModelFileError
from gvgai_py.cli import CLIError
from gvgai_py.outputs import OutputError, check_folder, check_targets

DEFAULT_REPORT = "eval.json"
DEFAULT_VIDEO_EPISODES = 3


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval", help="win rate and mean score of a trained model, with 95%% CIs",
        description="Evaluate a model on test sets of levels; print a table and write JSON.",
    )
    parser.add_argument("model", metavar="MODEL|RUN_DIR",
                        help="a model file, or a run directory (its model.zip, else its newest "
                             "checkpoint)")
    parser.add_argument("--levels", nargs="+", default=["human"], metavar="SET",
                        help="test sets: human | 0,1,2 | pcg:D | PATH (default: human)")
    parser.add_argument("--episodes", type=int, default=100, help="episodes per test set")
    parser.add_argument("--seed", type=int, default=0, help="episode i uses seed SEED + i")
    parser.add_argument("--deterministic", action="store_true",
                        help="take the most likely action instead of sampling the policy")
    parser.add_argument("--random-agent", action="store_true",
                        help="also play a uniform random agent on the same episodes and show "
                             "its win rates beside the model's")
    parser.add_argument("--torch-threads", type=int, default=1,
                        help="torch CPU threads; more only slow small batches down on a busy "
                             "machine (default: 1)")
    parser.add_argument("--device", default="auto", help=f"{DEVICE_HELP} (default: auto)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"JSON report (default: RUN_DIR/{DEFAULT_REPORT}, or MODEL with "
                             "the suffix .eval.json); never the model file itself")
    parser.add_argument("--video", type=Path, default=None, metavar="DIR",
                        help="record the first episodes of each test set as "
                             "DIR/<test set>/episode-<i>.mp4 (needs moviepy: pip install "
                             "'gvgai_py[video]'); DIR must be new or empty unless --force")
    parser.add_argument("--video-episodes", type=int, default=DEFAULT_VIDEO_EPISODES,
                        metavar="N", help="with --video: how many episodes of each test set "
                                          f"to record (default {DEFAULT_VIDEO_EPISODES})")
    parser.add_argument("--force", action="store_true",
                        help="overwrite an existing report, and write videos into a folder "
                             "that is not empty (checked before evaluating)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for name in ("episodes", "torch_threads", "video_episodes"):
        value = getattr(args, name)
        if value <= 0:
            raise CLIError(f"--{name.replace('_', '-')} must be positive, got {value}")
    if args.video is not None and find_spec("moviepy") is None:
        raise CLIError("--video needs moviepy, which this installation lacks: "
                       "pip install 'gvgai_py[video]'")
    import torch

    from gvgai_agents.algorithms import resolve_device
    from gvgai_agents.evaluate import Videos, report

    torch.set_num_threads(args.torch_threads)
    device = resolve_device(args.device)

    model_path, out = resolve_paths(Path(args.model), args.out)
    check_targets([out], force=args.force, inputs=[model_path])
    videos = None
    if args.video is not None:
        check_video_folder(args.video, force=args.force)
        videos = Videos(args.video, args.video_episodes)
    print(report(model_path, args.levels, args.episodes, out, seed=args.seed,
                 deterministic=args.deterministic, device=device, videos=videos,
                 random_agent=args.random_agent))
    print(f"report: {out}")
    if videos is not None:
        print(f"videos: {args.video}/<test set>/episode-<i>.mp4")
    return 0


def check_video_folder(folder: Path, *, force: bool) -> None:
    """Refuse to record into ``folder`` when it is a file, or a folder that holds anything
    and ``force`` is false (videos of the same names would be overwritten), or when it cannot
    be written."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"--video {folder} is a file, not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise OutputError(f"--video {folder} is not empty: add --force to record into it "
                          "(overwriting videos of the same names)")
    check_folder(folder)


def resolve_paths(model: Path, out: Path | None) -> tuple[Path, Path]:
    """The model file a MODEL|RUN_DIR argument names, and where its report goes."""
    model_path = resolve_model(model)
    if model.is_dir():
        return model_path, out or model / DEFAULT_REPORT
    return model_path, out or model.with_suffix(".eval.json")


def resolve_model(model: Path) -> Path:
    """The model file a MODEL|RUN_DIR argument names: the file itself, or the run directory's
    final model, else its newest checkpoint. Raises :class:`ModelFileError` (not a CLIError:
    :mod:`gvgai_agents.play_agent`, library code, uses it too) when there is none."""
    from gvgai_agents.checkpoints import latest_checkpoint
    from gvgai_agents.train import CHECKPOINTS, FINAL_MODEL

    if model.is_dir():
        run_dir = model
        model = run_dir / FINAL_MODEL
        if not model.is_file():
            model = latest_checkpoint(run_dir / CHECKPOINTS) or model
        if not model.is_file():
            raise ModelFileError(f"{run_dir} has neither {FINAL_MODEL} nor a checkpoint")
        return model
    if not model.is_file():
        raise ModelFileError(f"no model file or run directory at {model}")
    return model
