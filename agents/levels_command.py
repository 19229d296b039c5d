"""``gvgai levels map GAME --out map.png``: how much of the designed levels' space the
generator covers (see :mod:`agents.level_map`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from gvgai_py import GAMES, GENERATED_GAMES
from gvgai_py.cli import CLIError
from gvgai_py.outputs import check_targets

DEFAULT_COUNT = 200


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("levels", help="look at sets of levels",
                                   description="Look at sets of levels.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    map_parser = actions.add_parser(
        "map", help="generated and designed levels on the two leading principal components",
        description="Describe levels by simple features (sprite counts, size, openness, "
                    "path to the goal) and plot generated levels, coloured by difficulty, with "
                    "our human-designed levels on the first two principal components.",
    )
    map_parser.add_argument("game", help=f"one of {', '.join(GENERATED_GAMES)}")
    map_parser.add_argument("--out", type=Path, default=Path("map.png"),
                            help="image file (default: map.png)")
    map_parser.add_argument("--force", action="store_true",
                            help="overwrite an existing --out file")
    map_parser.add_argument("--count", type=int, default=DEFAULT_COUNT,
                            help="generated levels, difficulties evenly over [0, 1] "
                                 f"(default: {DEFAULT_COUNT})")
    map_parser.add_argument("--seed", type=int, default=0,
                            help="level seed of the first generated level (default: 0)")
    map_parser.add_argument("--extra-levels", type=Path, default=None, metavar="DIR",
                            help="also place the game's .txt levels of DIR (e.g. the original "
                                 "GVGAI levels), named after DIR")
    map_parser.set_defaults(func=run_map)


def run_map(args: argparse.Namespace) -> int:
    game = args.game.lower()
    if game not in GAMES:
        raise CLIError(f"unknown game {args.game!r} (known: {', '.join(GAMES)})")
    if game not in GENERATED_GAMES:
        raise CLIError(f"{game} has no level generator to map (only "
                       f"{', '.join(GENERATED_GAMES)} have one)")
    if args.count < 2:
        raise CLIError(f"--count must be at least 2, got {args.count}")
    from gvgai_agents.level_map import draw_map, game_level_files, generated_levels
    from gvgai_agents.levels import HUMAN, parse_level_set
    from gvgai_py import Level

    extra_files = [] if args.extra_levels is None else game_level_files(game, args.extra_levels)
    check_targets([args.out], force=args.force, inputs=extra_files)
    ours = parse_level_set(game, HUMAN, training=False).levels
    references = {"ours": [(f"lvl{i}", level) for i, level in enumerate(ours)]}
    if args.extra_levels is not None:
        references[args.extra_levels.name] = [(f.stem, Level.from_file(f, game))
                                              for f in extra_files]
    generated = generated_levels(game, args.count, args.seed)
    print(draw_map(args.out, game, generated, references))
    print(f"map: {args.out}")
    return 0
