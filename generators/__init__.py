"""Procedural level generators for the four games, and generation checked by search.

Each game has a pure module (``generators.zelda``, ``.frogs``, ``.boulderdash``,
``.solarfox``) with ``generate(difficulty, rng) -> Level``, ``knobs(difficulty, rng)`` (what the
difficulty controls, documented in the module) and ``MAX_SIZE`` (the largest level it makes,
which fixes the observation size). Difficulty runs from 0 (easiest) to 1 (hardest).

:func:`generate_verified` names a level by an integer seed and a difficulty: it keeps drawing
from that pair's random stream until :func:`generators.solvability.verify` finds a win, so the
pair always gives the same level and the same witness.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from types import ModuleType

import numpy as np

from gvgai_generators import boulderdash, frogs, solarfox, zelda
from gvgai_generators.grid import check_difficulty
from gvgai_generators.solvability import Verdict, verify
from gvgai_py import Level

GENERATORS: dict[str, ModuleType] = {
    "zelda": zelda, "frogs": frogs, "boulderdash": boulderdash, "solarfox": solarfox,
}
DIFFICULTY_DECIMALS = 6
"""Difficulties are rounded to this many decimals, so that a level's (seed, difficulty) as
reported in ``info`` names it exactly."""
MAX_TRIES = 25
"""Draws per (seed, difficulty) before giving up; generators aim for nearly every draw to pass."""
SEARCH_BUDGETS = {"zelda": 2_000, "frogs": 2_000, "boulderdash": 50, "solarfox": 2_000}
"""States the verifying search may expand per draw. A draw the search cannot win within the
budget is redrawn: a level that is winnable but hard to prove so is not worth its check time.
Boulderdash's search wins most draws within a few expansions, but a draw it cannot win quickly
it rarely wins at all, so its budget is small: a level costs a few more draws and far less
time, and the levels accepted stay alike (docs/benchmarks.md, "Level generation").
Frogs and Solarfox levels are decided by planners instead (``solvability.PLANNERS``), whose
only budget is the episode's length; their entries apply only to a level outside the
planner's model."""


class UnsolvableLevelError(RuntimeError):
    """No draw for a (seed, difficulty) passed verification within the allowed tries."""


def generator(game: str) -> ModuleType:
    """The generator module of ``game`` (case-insensitive); ValueError if there is none."""
    try:
        return GENERATORS[game.lower()]
    except KeyError:
        known = ", ".join(GENERATORS)
        raise ValueError(f"no generator for game {game!r} (known: {known})") from None


def max_size(game: str) -> tuple[int, int]:
    """(rows, cols) of the largest level ``game``'s generator makes."""
    return generator(game).MAX_SIZE


def generate(game: str, difficulty: float, rng: np.random.Generator) -> Level:
    """One unverified level of ``game`` at ``difficulty`` in [0, 1], drawn from ``rng``."""
    return generator(game).generate(difficulty, rng)


def canonical_difficulty(difficulty: float) -> float:
    """``difficulty`` rounded to :data:`DIFFICULTY_DECIMALS`; ValueError unless in [0, 1]."""
    return round(check_difficulty(difficulty), DIFFICULTY_DECIMALS)


def level_key(seed: int, difficulty: float) -> tuple[int, float]:
    """The canonical (seed, difficulty) that names a generated level; ValueError if invalid."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"level seed must be a non-negative integer, got {seed!r}")
    return int(seed), canonical_difficulty(difficulty)


def draws(
    game: str, difficulty: float, seed: int, max_expansions: int | None = None
) -> Iterator[tuple[Level, Verdict]]:
    """Every draw for (``seed``, ``difficulty``) in order, each with its search verdict (an
    endless stream; :func:`generate_verified` takes the first winnable one).

    The verdict's ``actions`` win from ``GVGAIEnv(game, level=level).reset(seed=seed)``;
    ``max_expansions`` overrides the game's :data:`SEARCH_BUDGETS` entry.
    """
    seed, difficulty = level_key(seed, difficulty)
    module = generator(game)
    budget = max_expansions or SEARCH_BUDGETS[game.lower()]
    rng = np.random.default_rng([seed, round(difficulty * 10**DIFFICULTY_DECIMALS)])
    while True:
        level = module.generate(difficulty, rng)
        yield level, verify(level, seed, max_expansions=budget)


def generate_verified(
    game: str,
    difficulty: float,
    seed: int,
    *,
    max_tries: int = MAX_TRIES,
    max_expansions: int | None = None,
) -> tuple[Level, Verdict]:
    """The level named by (``seed``, ``difficulty``) and the verdict that proves it winnable:
    the first winnable one of :func:`draws`. Raises :class:`UnsolvableLevelError` after
    ``max_tries`` draws that the search could not win."""
    for level, verdict in islice(draws(game, difficulty, seed, max_expansions), max_tries):
        if verdict.solvable:
            return level, verdict
    raise UnsolvableLevelError(
        f"no winnable {game} level for seed {seed} at difficulty {difficulty} in "
        f"{max_tries} draws"
    )
