"""Compare a uniform random agent on the original GVGAI levels (five per game) with the Java
engine.

The Java reference (:data:`STATISTICS`: ``java_random_agent_stats_B10.csv`` for the first four
games, ``java_random_agent_stats_B10_more.csv`` for the other seven; block size 10, NIL
included) ran 200 episodes per level under the planning-track rules: the game ends as a loss
after tick index 2000 and ``ticks`` is the final tick index (actions taken minus one). We play
the same way, straight on the engine, and write ``docs/fidelity.md``.

Targets: mean score and mean length within 3 standard errors of the difference, win rate
within 0.03 + 2 standard errors.

    python scripts/fidelity.py [--episodes 500] [--games G ...] [--reference DIR]
                               [--out docs/fidelity.md]
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from gvgai_py import GAMES, Level
from gvgai_py.engine import Game, LevelLayout
from gvgai_py.engine.registry import compiled
from gvgai_py.envs import MAX_STEPS

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "gvgai-reference"
"""The default ``--reference`` folder: ``levels/`` and the Java engine's CSV files."""
ORIGINAL_LEVELS_URL = "https://github.com/GAIGResearch/GVGAI/tree/master/examples/gridphysics"
STATISTICS = ("java_random_agent_stats_B10.csv", "java_random_agent_stats_B10_more.csv")
"""The Java engine's random-agent statistics, each file some of the games (a ``game`` column)."""
STATISTICS_COLUMNS = "game, level, episodes, win_rate, score_mean, score_std, ticks_mean, ticks_std"
JAVA_GAME_INDEX = {game: index for index, game in enumerate((
    "zelda", "frogs", "boulderdash", "solarfox", "aliens", "butterflies", "chase",
    "missilecommand", "portals", "sokoban", "survivezombies"))}
"""Each game's index in the Java measurements' seeds, which our episode seeds take too, so that
a level's episodes do not depend on the order of ``GAMES`` (the first four are also first
there, as they were when seeds followed it)."""


def measured_games(reference: Path, csv_names: Sequence[str]) -> set[str]:
    """The games that the files ``csv_names`` of ``reference`` that exist have rows of."""
    games = set()
    for name in csv_names:
        if (reference / name).is_file():
            with open(reference / name, newline="") as f:
                games.update(row["game"] for row in csv.DictReader(f))
    return games


def missing_reference(reference: Path, games: Iterable[str], csv_names: Sequence[str],
                      csv_columns: str) -> str | None:
    """What the ``--reference`` folder lacks, in one line that says where to get it, or None.

    The folder holds ``levels/<game>_lvl<N>.txt``, the original GVGAI levels (GPL, so not
    shipped with gvgai_py, but downloadable), and ``csv_names``, measurements of the Java
    engine that are not published anywhere, which must cover every one of ``games``: whoever
    has them says where they are with ``--reference``, whoever has not can make them with the
    Java framework.
    """
    games = list(games)
    levels = reference / "levels"
    absent = [name for game in games for number in range(5)
              if not (levels / (name := f"{game}_lvl{number}.txt")).is_file()]
    problems = []
    if absent:
        problems.append(
            f"{len(absent)} original GVGAI levels are missing from {levels} ({absent[0]}, ...): "
            f"they are GPL and not shipped; download <game>_lvl<N>.txt from "
            f"{ORIGINAL_LEVELS_URL} into that folder"
        )
    unmeasured = [game for game in games if game not in measured_games(reference, csv_names)]
    if unmeasured:
        absent = [name for name in csv_names if not (reference / name).is_file()]
        where = (f"{' and '.join(absent)} missing from {reference}" if absent
                 else f"not in {reference}'s {' or '.join(csv_names)}")
        problems.append(
            f"the Java engine's random-agent measurements ({csv_columns}) of "
            f"{', '.join(unmeasured)} are {where}: not shipped; make them with the Java GVGAI "
            f"framework"
        )
    if not problems:
        return None
    return "; ".join(problems) + " (or pass --reference DIR)"


@dataclass(frozen=True)
class Sample:
    """Mean, population standard deviation and size of one statistic's sample."""

    mean: float
    std: float
    n: int

    @classmethod
    def of(cls, values: np.ndarray) -> Sample:
        return cls(float(values.mean()), float(values.std()), len(values))

    def standard_error_with(self, other: Sample) -> float:
        """Standard error of the difference of the two means."""
        return math.sqrt(self.std**2 / self.n + other.std**2 / other.n)


def play_random(level: Level, episodes: int, seed: Sequence[int]) -> dict[str, np.ndarray]:
    """Per-episode win, score and Java-convention ticks of a uniform random agent (NIL too);
    ``seed`` names the episodes' seeds (each level of a run gets its own, see :func:`main`)."""
    game = compiled(GAMES[level.game])
    layout = LevelLayout.from_rows(game, list(level.rows))
    seeds = np.random.SeedSequence(list(seed)).spawn(episodes)
    wins, scores, ticks = np.zeros(episodes), np.zeros(episodes), np.zeros(episodes)
    for episode, episode_seed in enumerate(seeds):
        game_rng, agent_rng = (np.random.default_rng(s) for s in episode_seed.spawn(2))
        state = Game(layout, game_rng, max_ticks=MAX_STEPS)
        actions = game.actions
        choices = agent_rng.integers(len(actions), size=MAX_STEPS + 1)
        while not state.ended:
            state.step(actions[choices[state.tick]])
        # Java reports a win with a non-positive score as 1 (Game.handleResult).
        scores[episode] = 1.0 if state.won and state.score <= 0 else state.score
        wins[episode] = state.won
        ticks[episode] = state.tick - 1
    return {"win": wins, "score": scores, "ticks": ticks}


def read_reference(reference: Path) -> dict[tuple[str, int], dict[str, Sample]]:
    """Win, score and ticks samples of every (game, level) of the :data:`STATISTICS` found."""
    rows = {}
    for name in STATISTICS:
        if (reference / name).is_file():
            rows.update(read_statistics(reference / name))
    return rows


def read_statistics(path: Path) -> dict[tuple[str, int], dict[str, Sample]]:
    rows = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            n = int(row["episodes"])
            win = float(row["win_rate"])
            rows[(row["game"], int(row["level"]))] = {
                "win": Sample(win, math.sqrt(win * (1 - win)), n),
                "score": Sample(float(row["score_mean"]), float(row["score_std"]), n),
                "ticks": Sample(float(row["ticks_mean"]), float(row["ticks_std"]), n),
            }
    return rows


def within_target(stat: str, ours: Sample, java: Sample) -> tuple[bool, float]:
    """Whether the difference meets the target, and the difference in standard errors."""
    se = ours.standard_error_with(java)
    diff = abs(ours.mean - java.mean)
    in_se = diff / se if se > 0 else (0.0 if diff == 0 else math.inf)
    if stat == "win":
        return diff <= 0.03 + 2 * se, in_se
    return in_se <= 3, in_se


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--out", type=Path, default=Path("docs/fidelity.md"))
    parser.add_argument("--games", nargs="*", default=list(GAMES), choices=list(GAMES),
                        metavar="GAME", help="games to compare (default: all)")
    args = parser.parse_args(argv)
    missing = missing_reference(args.reference, args.games, STATISTICS, STATISTICS_COLUMNS)
    if missing:
        print(f"fidelity.py: {missing}", file=sys.stderr)
        return 2
    java = read_reference(args.reference)
    lines = [
        "# Fidelity: random agent, ours vs the Java engine (block size 10, NIL included)",
        "",
        f"Ours: {args.episodes} episodes per level (seed {args.seed}); Java: 200 episodes "
        f"(`{'`, `'.join(STATISTICS)}`). Planning-track rules for both: a loss after tick "
        f"{MAX_STEPS}. "
        "Cells show ours / Java and, in brackets, the difference in standard errors of "
        "the difference. Targets: score and length within 3 SE, win rate within 0.03 + 2 SE.",
        "",
        f"Regenerate with `python scripts/fidelity.py --episodes {args.episodes}`.",
        "",
        "| game | level | win rate | mean score | mean ticks | ok |",
        "|---|---|---|---|---|---|",
    ]
    passed = 0
    jobs = [(g, n) for g in args.games for n in range(5)]
    for game, number in tqdm(jobs, desc="levels"):
        level = Level.from_file(args.reference / "levels" / f"{game}_lvl{number}.txt", game)
        # Each level its own episode seeds: with one set for all, a game whose random episodes
        # hardly depend on the level (Solarfox) showed one mean length on every level.
        seed = (args.seed, JAVA_GAME_INDEX[game], number)
        ours = {k: Sample.of(v) for k, v in play_random(level, args.episodes, seed).items()}
        cells, ok = [], True
        for stat in ("win", "score", "ticks"):
            good, in_se = within_target(stat, ours[stat], java[(game, number)][stat])
            ok &= good
            cells.append(
                f"{ours[stat].mean:.3f} / {java[(game, number)][stat].mean:.3f} ({in_se:.1f})"
            )
        passed += ok
        lines.append(f"| {game} | {number} | {' | '.join(cells)} | {'yes' if ok else 'NO'} |")
    lines += ["", f"**{passed}/{len(jobs)} levels within target.**", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0 if passed == len(jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
