"""Solarfox levels: a mirrored pattern of blibs for the ever-moving ship.

The game: :mod:`gvgai_py.games.solarfox`.

Layout: the originals' frame, always 11 x 10: walls in columns 0 and 9, enemy lanes in rows 0
and 10 with the top enemy ``2`` at (0, 1) and the bottom one ``1`` at (10, 8), the avatar ``A``
at (5, 5); the field is rows 1-9 x columns 1-8, floor ``+`` where there is no blib. Blibs come
in mirror orbits: the level is symmetric left-right, top-bottom or both (chosen at random, as
in the originals, which are all symmetric). Orbits are added one at a time, preferring those
next to blibs already placed, so that blibs form shapes (rings, bars, blocks) rather than noise.
Each orbit is all normal blibs ``b`` or all power blibs ``p`` (a power blib needs the ship on
it for 3 ticks).

Knobs (:class:`Knobs`, drawn by :func:`knobs`):

* ``blibs`` = round((0.8·d + 0.1)·0.7·72): 5 -> 45 of the 72 field cells (the originals
  have 29-35); the count is met to within the last orbit's size.
* ``power_share`` 0 -> 0.6: chance that an orbit is power blibs.
* ``edge_weight`` 0.1 -> 1: relative chance of an orbit that touches the field's edge, where the
  ship must turn next to a wall or an enemy lane (and where the enemies' shots start).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gvgai_generators.grid import Cell, check_difficulty, lerp, to_level
from gvgai_py import Level

ROWS, COLS = 11, 10
MAX_SIZE = (ROWS, COLS)
AVATAR = (5, 5)
FIELD_ROWS, FIELD_COLS = range(1, ROWS - 1), range(1, COLS - 1)
NEIGHBOUR_WEIGHT = 4.0
"""How much likelier an orbit next to placed blibs is than a free-standing one."""
SYMMETRIES = ("left-right", "top-bottom", "both")
FRAME = (
    "w2.......w",
    *["w++++++++w"] * (ROWS - 2),
    "w.......1w",
)


@dataclass(frozen=True)
class Knobs:
    """What difficulty controls in a Solarfox level (see the module docstring)."""

    blibs: int
    """Target number of blibs and power blibs."""
    power_share: float
    """Probability that an orbit holds power blibs."""
    edge_weight: float
    """Relative chance of an orbit touching the field's edge."""


def knobs(difficulty: float, rng: np.random.Generator) -> Knobs:
    """The knobs for ``difficulty`` in [0, 1] (all deterministic; ``rng`` is unused here but
    kept so every generator's ``knobs`` has the same signature)."""
    d = check_difficulty(difficulty)
    field = len(FIELD_ROWS) * len(FIELD_COLS)
    return Knobs(
        blibs=round((0.8 * d + 0.1) * 0.7 * field),
        power_share=lerp(0.0, 0.6, d),
        edge_weight=lerp(0.1, 1.0, d),
    )


def generate(difficulty: float, rng: np.random.Generator) -> Level:
    """A random Solarfox level at ``difficulty`` in [0, 1] (0 easiest)."""
    return build(knobs(difficulty, rng), rng)


def build(k: Knobs, rng: np.random.Generator) -> Level:
    """A random Solarfox level with the given knobs."""
    grid = np.array([list(line) for line in FRAME], dtype="<U1")
    grid[AVATAR] = "A"
    orbits = _orbits(SYMMETRIES[rng.integers(len(SYMMETRIES))])
    placed: set[Cell] = set()
    count = 0
    while orbits and count < k.blibs:
        weights = np.array([_weight(orbit, placed, k.edge_weight) for orbit in orbits])
        orbit = orbits.pop(rng.choice(len(orbits), p=weights / weights.sum()))
        blib = "p" if rng.random() < k.power_share else "b"
        for cell in orbit:
            grid[cell] = blib
        placed.update(orbit)
        count += len(orbit)
    return to_level(grid, "solarfox")


def _orbits(symmetry: str) -> list[tuple[Cell, ...]]:
    """The field's cells grouped into mirror orbits, in reading order; orbits holding the
    avatar's cell are left out, so the avatar stays alone at the centre."""
    seen: set[Cell] = set()
    orbits = []
    for r in FIELD_ROWS:
        for c in FIELD_COLS:
            if (r, c) in seen:
                continue
            images = {(r, c)}
            if symmetry in ("left-right", "both"):
                images |= {(rr, COLS - 1 - cc) for rr, cc in images}
            if symmetry in ("top-bottom", "both"):
                images |= {(ROWS - 1 - rr, cc) for rr, cc in images}
            seen |= images
            if AVATAR not in images:
                orbits.append(tuple(sorted(images)))
    return orbits


def _weight(orbit: tuple[Cell, ...], placed: set[Cell], edge_weight: float) -> float:
    """The relative chance of picking ``orbit`` next, given the cells ``placed`` so far."""
    weight = 1.0
    if any(
        not placed.isdisjoint(((r, c), (r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)))
        for r, c in orbit
    ):
        weight *= NEIGHBOUR_WEIGHT
    on_edge = (FIELD_ROWS[0], FIELD_ROWS[-1]), (FIELD_COLS[0], FIELD_COLS[-1])
    if any(r in on_edge[0] or c in on_edge[1] for r, c in orbit):
        weight *= edge_weight
    return weight
