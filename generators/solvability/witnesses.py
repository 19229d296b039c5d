"""The stored seed-0 witnesses of our hand-designed levels, ``levels/<game>/lvl<i>.solution.json``.

Run as ``python -m gvgai_generators.solvability <game> <index> [--max-expansions N]``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from gvgai_generators.solvability import DOMAINS, Verdict, verify
from gvgai_py.envs import builtin_level_path
from gvgai_py.level import Level


def solution_path(game: str, index: int) -> Path:
    """Where the seed-0 witness of one of our levels is stored."""
    return builtin_level_path(game, index).with_suffix(".solution.json")


def write_solution(game: str, index: int, max_expansions: int) -> Verdict:
    """Search our level ``index`` of ``game`` for seed 0 and store the witness if found."""
    level = Level.from_file(builtin_level_path(game, index), game)
    verdict = verify(level, seed=0, max_expansions=max_expansions)
    if verdict.solvable:
        record = {
            "game": game,
            "level": index,
            "seed": 0,
            "actions": list(verdict.actions),
            "score": verdict.score,
        }
        solution_path(game, index).write_text(json.dumps(record) + "\n")
    return verdict


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gvgai_generators.solvability", description=write_solution.__doc__
    )
    parser.add_argument("game", choices=sorted(DOMAINS))
    parser.add_argument("index", type=int)
    parser.add_argument("--max-expansions", type=int, default=20_000)
    args = parser.parse_args(argv)
    verdict = write_solution(args.game, args.index, args.max_expansions)
    found = f"{len(verdict.actions)} actions" if verdict.solvable else "no witness"
    effort = f"{verdict.expanded} states, {verdict.seconds:.1f} s"
    print(f"{args.game} lvl{args.index}: {found} ({effort})")
    return 0 if verdict.solvable else 1
