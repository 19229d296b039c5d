"""``gvgai generate GAME --difficulty D --count N --seed S (--out DIR | --show)``.

Generates N verified levels of GAME at difficulty D, level seeds S, S+1, ..., S+N-1 (so that
level i is the one ``pcg`` names (S+i, D)), and writes them as ``DIR/<game>_<i>.txt``, creating
DIR if needed and writing nothing else, or prints them (``--show``). Every level is generated
before the first file is written, so a failure leaves no partial set behind. Existing files of
that name are overwritten only with ``--force``, which is checked before generating.

Lives in the generators package and reaches ``gvgai`` through the ``gvgai_py.commands`` entry
point, so that ``gvgai_py`` never imports the generators.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from gvgai_generators import GENERATORS, UnsolvableLevelError, generate_verified
from gvgai_py import GAMES
from gvgai_py.cli import CLIError
from gvgai_py.files import write_text_atomically
from gvgai_py.outputs import check_targets


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate", help="write verified generated levels",
        description=__doc__.splitlines()[0].strip("`"),
    )
    parser.add_argument("game", help=f"one of: {', '.join(GENERATORS)}")
    parser.add_argument("--difficulty", type=float, default=0.5,
                        help="difficulty in [0, 1] (default 0.5)")
    parser.add_argument("--count", type=int, default=1, help="number of levels (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="level seed of the first level")
    parser.add_argument("--out", type=Path, help="folder to write <game>_<i>.txt into")
    parser.add_argument("--show", action="store_true", help="print the levels instead")
    parser.add_argument("--force", action="store_true",
                        help="overwrite existing <game>_<i>.txt files in --out")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    game = args.game.lower()
    if game not in GENERATORS:
        known = ", ".join(GENERATORS)
        if game in GAMES:
            raise CLIError(f"{game} has no level generator (only {known} have one)")
        raise CLIError(f"unknown game {args.game!r} (known: {known})")
    if not (math.isfinite(args.difficulty) and 0.0 <= args.difficulty <= 1.0):
        raise CLIError(f"--difficulty must be in [0, 1], got {args.difficulty}")
    if args.count < 1:
        raise CLIError(f"--count must be at least 1, got {args.count}")
    if args.seed < 0:
        raise CLIError(f"--seed must be 0 or more, got {args.seed}")
    if args.show == (args.out is not None):
        raise CLIError("give exactly one of --out DIR and --show")
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise CLIError(f"--out {args.out} exists and is not a folder")
    targets = [] if args.show else [args.out / f"{game}_{i}.txt" for i in range(args.count)]
    check_targets(targets, force=args.force)

    try:
        levels = [
            generate_verified(game, args.difficulty, args.seed + i)[0] for i in range(args.count)
        ]
    except UnsolvableLevelError as err:
        raise CLIError(str(err)) from None
    if args.show:
        for i, level in enumerate(levels):
            print(f"# {game}_{i}: seed {args.seed + i}, difficulty {args.difficulty:g}")
            print(level.to_string())
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for target, level in zip(targets, levels, strict=True):
        write_text_atomically(target, level.to_string())
    print(f"wrote {args.count} {game} levels to {args.out}")
    return 0
