"""Frogs levels: cross roads and rivers from the bottom row to the goal on top.

The game: :mod:`gvgai_py.games.frogs`.

Layout, top to bottom: a wall row; the goal row (grass, the goal ``g`` between two trees as in
the originals); the middle rows; the start row (grass with the avatar, trees at both ends); a
wall row. Each middle row is one of

* grass ``+``, with trees ``w`` that leave at least two gaps;
* road ``.`` with trucks of one kind (``-``/``x`` slow/fast right, ``_``/``l`` slow/fast left)
  in runs of at most three, so that every road row has gaps to step into;
* river ``0`` with logs ``=`` and one log spawner in the last column (legend: ``1``/``3``
  dense/sparse on water, ``2``/``4`` on a log, like the originals' right edge). All logs move
  left at the same speed, so logs of neighbouring river rows keep their relative positions:
  each river row below another gets a log under one of the upper row's logs, a stepping stone
  that stays aligned until the starting logs have drifted off.

Knobs (:class:`Knobs`, drawn by :func:`knobs`):

* ``width`` = round(8 + 17·d) columns (8 -> 25); ``middle_rows`` = round(4 + 2·d) (4 -> 6).
* ``hazard_share`` 0.35 -> 0.9: chance that a middle row is road or river rather than grass
  (at least one always is); ``max_hazard_run`` 1 -> 3 consecutive hazard rows at most, so easy
  levels give a rest on grass after every hazard.
* ``river_share`` 0.4 -> 0.6: chance that a hazard row is a river rather than a road.
* ``truck_density`` 0.1 -> 0.4 of road cells hold a truck (at least one); ``fast_share``
  0.1 -> 0.7 of road rows have fast trucks.
* ``log_density`` 0.7 -> 0.35 of river cells start as log; ``sparse_share`` 0 -> 0.7 of the
  spawners are sparse (a log every ~50 ticks instead of ~25).
* ``tree_density`` 0 -> 0.5 of cells in middle grass rows are trees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gvgai_generators.grid import check_difficulty, filled, lerp, to_level
from gvgai_py import Level

MAX_SIZE = (10, 25)
MAX_TRUCK_RUN = 3
MIN_TREE_GAPS = 2
TRUCKS = {(False, False): "-", (False, True): "x", (True, False): "_", (True, True): "l"}
"""Truck character by (moves left, fast)."""
SPAWNERS = {(False, False): "1", (False, True): "2", (True, False): "3", (True, True): "4"}
"""Spawner character by (sparse, starts under a log)."""


@dataclass(frozen=True)
class Knobs:
    """What difficulty controls in a Frogs level (see the module docstring)."""

    width: int
    """Columns, borders included."""
    middle_rows: int
    """Rows between the goal row and the start row."""
    hazard_share: float
    """Probability that a middle row is road or river."""
    max_hazard_run: int
    """Most consecutive road or river rows."""
    river_share: float
    """Probability that a hazard row is a river rather than a road."""
    truck_density: float
    """Share of road cells that start with a truck."""
    fast_share: float
    """Probability that a road row has fast trucks."""
    log_density: float
    """Share of river cells that start with a log."""
    sparse_share: float
    """Probability that a river's spawner is sparse."""
    tree_density: float
    """Share of middle grass cells that are trees."""


def knobs(difficulty: float, rng: np.random.Generator) -> Knobs:
    """The knobs for ``difficulty`` in [0, 1] (all deterministic; ``rng`` is unused here but
    kept so every generator's ``knobs`` has the same signature)."""
    d = check_difficulty(difficulty)
    return Knobs(
        width=round(lerp(8, 25, d)),
        middle_rows=round(lerp(4, 6, d)),
        hazard_share=lerp(0.35, 0.9, d),
        max_hazard_run=round(lerp(1, 3, d)),
        river_share=lerp(0.4, 0.6, d),
        truck_density=lerp(0.1, 0.4, d),
        fast_share=lerp(0.1, 0.7, d),
        log_density=lerp(0.7, 0.35, d),
        sparse_share=lerp(0.0, 0.7, d),
        tree_density=lerp(0.0, 0.5, d),
    )


def generate(difficulty: float, rng: np.random.Generator) -> Level:
    """A random Frogs level at ``difficulty`` in [0, 1] (0 easiest)."""
    return build(knobs(difficulty, rng), rng)


def build(k: Knobs, rng: np.random.Generator) -> Level:
    """A random Frogs level with the given knobs."""
    width = k.width
    grid = filled(k.middle_rows + 4, width, "+")
    grid[0] = grid[-1] = "w"
    goal = int(rng.integers(1, width - 1))
    grid[1, goal - 1 : goal + 2] = ["w", "g", "w"]
    grid[-2, 0] = grid[-2, -1] = "w"
    grid[-2, rng.integers(1, width - 1)] = "A"

    kinds = _row_kinds(k, rng)
    for i, kind in enumerate(kinds):
        row = 2 + i
        if kind == "grass":
            grid[row] = _grass_row(width, k.tree_density, rng)
            if i == 0:
                grid[row, goal] = "+"  # the goal is walled on both sides: enter from below
        elif kind == "road":
            grid[row] = _road_row(width, k, rng)
        else:
            above = grid[row - 1] if i > 0 and kinds[i - 1] == "river" else None
            grid[row] = _river_row(width, k, above, rng)
    return to_level(grid, "frogs")


def _row_kinds(k: Knobs, rng: np.random.Generator) -> list[str]:
    """``grass``, ``road`` or ``river`` for each middle row, top to bottom."""
    kinds: list[str] = []
    run = 0
    for _ in range(k.middle_rows):
        hazard = run < k.max_hazard_run and rng.random() < k.hazard_share
        run = run + 1 if hazard else 0
        kinds.append(_hazard_kind(k, rng) if hazard else "grass")
    if "road" not in kinds and "river" not in kinds:
        kinds[rng.integers(len(kinds))] = _hazard_kind(k, rng)
    return kinds


def _hazard_kind(k: Knobs, rng: np.random.Generator) -> str:
    return "river" if rng.random() < k.river_share else "road"


def _grass_row(width: int, tree_density: float, rng: np.random.Generator) -> np.ndarray:
    trees = rng.random(width) < tree_density
    open_cells = np.flatnonzero(~trees)
    if len(open_cells) < MIN_TREE_GAPS:
        trees[rng.choice(width, size=MIN_TREE_GAPS, replace=False)] = False
    return np.where(trees, "w", "+")


def _road_row(width: int, k: Knobs, rng: np.random.Generator) -> np.ndarray:
    truck = TRUCKS[bool(rng.random() < 0.5), bool(rng.random() < k.fast_share)]
    row = filled(1, width, ".")[0]
    trucks = max(1, round(k.truck_density * width))
    row[rng.choice(width, size=trucks, replace=False)] = truck
    run = 0
    for c in range(width):
        run = run + 1 if row[c] == truck else 0
        if run > MAX_TRUCK_RUN:
            row[c], run = ".", 0
    return row


def _river_row(
    width: int, k: Knobs, above: np.ndarray | None, rng: np.random.Generator
) -> np.ndarray:
    """A river row: logs in runs of 2-4 cells, a spawner in the last column, and a log under
    one of the logs of the river row ``above`` (if any)."""
    row = filled(1, width, "0")[0]
    c = int(rng.integers(-3, 1))  # the first run may start off the left edge
    while c < width:
        length = int(rng.integers(2, 5))
        if rng.random() < k.log_density:
            row[max(c, 0) : c + length] = "="
        c += length
    if above is not None:
        logs_above = np.flatnonzero(np.isin(above, ["=", "2", "4"]))
        if len(logs_above):
            row[rng.choice(logs_above)] = "="
    sparse = bool(rng.random() < k.sparse_share)
    row[-1] = SPAWNERS[sparse, row[-1] == "="]
    return row
