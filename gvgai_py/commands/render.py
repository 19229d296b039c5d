"""``gvgai render``: save the first frame of one or more levels as a PNG image.

An existing PNG file is overwritten only with --force, and never a level file it renders.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gvgai_py import GAMES
from gvgai_py.cli import CLIError
from gvgai_py.level import resolve_game
from gvgai_py.outputs import check_targets


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render", help="save a level's first frame as a PNG image",
        description=__doc__.split(": ", 1)[1].split("\n\n")[0], epilog=__doc__.split("\n\n")[1],
    )
    parser.add_argument("game", help=", ".join(GAMES))
    parser.add_argument(
        "--level", nargs="+", default=["0"], metavar="N|PATH",
        help="our levels (0-4) or level files (default 0); several need --grid",
    )
    parser.add_argument("--out", default=None, help="the PNG file to write (default GAME.png)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing --out file")
    parser.add_argument("--scale", type=int, default=1, help="zoom (default 1: 10 px per cell)")
    parser.add_argument("--grid", action="store_true", help="draw the levels side by side")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gvgai_py.envs import GVGAIEnv
    from gvgai_py.rendering import labelled, save_png, side_by_side

    game = resolve_game(args.game).name
    if len(args.level) > 1 and not args.grid:
        raise CLIError("several levels need --grid")
    if args.scale < 1:
        raise CLIError(f"--scale must be at least 1, got {args.scale}")
    out = Path(args.out or f"{game}.png")
    level_files = [spec for spec in args.level if not spec.isdigit()]
    check_targets([out], force=args.force, inputs=level_files)
    frames = []
    for spec in args.level:
        level = int(spec) if spec.isdigit() else spec
        env = GVGAIEnv(game, level=level, render_mode="rgb_array", render_scale=args.scale)
        env.reset(seed=0)
        frame = env.render()
        # Side by side, each level is named under its frame; alone, the frame is as played.
        frames.append(labelled(frame, env.level_label) if args.grid else frame)
    gap = env.compiled.block * args.scale
    image = frames[0] if len(frames) == 1 else side_by_side(frames, gap)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_png(image, out)
    print(f"wrote {out} ({image.shape[1]}x{image.shape[0]})")
    return 0
