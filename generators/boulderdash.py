"""Boulderdash levels: dig through dirt, collect 9 diamonds, leave by the exit.

The game: :mod:`gvgai_py.games.boulderdash`.

Layout: a wall frame around dirt ``.``. Rock (inner walls ``w``) is grown by a cellular
automaton (random fill, then four rounds of "rock where at least 5 of the 9 cells around are
rock"), which leaves rounded caves of dirt; caves that the rock cut off are joined to the
largest by L-shaped dirt corridors, so every non-wall cell can be dug to. On the dirt go the
avatar, the exit ``e``, diamonds ``x``, boulders ``o`` and enemies (crab ``c`` or butterfly
``b``, equally likely), each enemy in a small empty pocket ``-`` (enemies cannot cross dirt, so
they stay there until the avatar digs in). Never placed: a boulder right above the avatar
(it would fall on it at once) or anywhere above the exit (digging towards the exit could drop
it there, and a boulder resting on the exit seals it).

Knobs (:class:`Knobs`, drawn by :func:`knobs`):

* ``width`` = round(10 + 14·d) columns (10 -> 24); ``height`` 10, 11 or 12 rows at random.
* ``rock_share`` 0.35 -> 0.45: initial rock fill; more rock means longer, winding caves.
* ``boulder_share`` 0.04 -> 0.10 of the dirt cells get a boulder (the originals: 7-12 %, but
  in rows and stacks; scattered boulders block far more paths).
* ``enemies`` = floor(4·d + u), u ~ U(0, 1): 0 at d = 0, 4 at d = 1 (the originals have 4),
  at least ``MIN_ENEMY_DISTANCE`` steps from the avatar and 3 from the exit.
* ``spare_diamonds`` = round(10 - 7·d) + {0, 1, 2} beyond the ``DIAMONDS_NEEDED`` = 9 that
  open the exit.
* ``exit_distance`` 0.3 -> 0.95: where the exit sits among the cells ranked by path distance
  from the avatar (0 nearest, 1 farthest), never nearer than ``MIN_EXIT_DISTANCE`` = 4 steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gvgai_generators.grid import (
    Cell,
    bordered,
    cell_at_distance,
    cells,
    check_difficulty,
    distances,
    lerp,
    sample_cells,
    to_level,
)
from gvgai_py import Level

MAX_SIZE = (12, 24)
DIAMONDS_NEEDED = 9
MIN_EXIT_DISTANCE = 4
MIN_ENEMY_DISTANCE = 5
MIN_ENEMY_EXIT_DISTANCE = 3
CA_ROUNDS = 4
MIN_CAVE_SHARE = 0.6
"""Redraw rock that leaves less of the inside than this: small caves cannot hold the items."""
POCKET_CELLS = 3
"""Empty cells dug around each enemy (its own cell included), so it can move a little."""


@dataclass(frozen=True)
class Knobs:
    """What difficulty controls in a Boulderdash level (see the module docstring)."""

    width: int
    """Columns, walls included."""
    height: int
    """Rows, walls included."""
    rock_share: float
    """Initial share of inner rock before the cellular automaton smooths it."""
    boulder_share: float
    """Share of dirt cells that get a boulder."""
    enemies: int
    """Number of crabs and butterflies."""
    spare_diamonds: int
    """Diamonds beyond the 9 the exit needs."""
    exit_distance: float
    """Distance rank of the exit from the avatar, 0 nearest to 1 farthest."""


def knobs(difficulty: float, rng: np.random.Generator) -> Knobs:
    """The knobs for ``difficulty`` in [0, 1]; height, enemies and spare diamonds have a random
    part."""
    d = check_difficulty(difficulty)
    return Knobs(
        width=round(lerp(10, 24, d)),
        height=10 + int(rng.integers(3)),
        rock_share=lerp(0.35, 0.45, d),
        boulder_share=lerp(0.04, 0.10, d),
        enemies=math.floor(4 * d + rng.random()),
        spare_diamonds=round(lerp(10, 3, d)) + int(rng.integers(3)),
        exit_distance=lerp(0.3, 0.95, d),
    )


def generate(difficulty: float, rng: np.random.Generator) -> Level:
    """A random Boulderdash level at ``difficulty`` in [0, 1] (0 easiest)."""
    return build(knobs(difficulty, rng), rng)


def build(k: Knobs, rng: np.random.Generator) -> Level:
    """A random Boulderdash level with the given knobs."""
    grid = bordered(k.height, k.width, ".")
    grid[_rock(k.height, k.width, k.rock_share, rng)] = "w"
    open_cells = grid != "w"
    [avatar] = sample_cells(rng, open_cells, 1)
    grid[avatar] = "A"
    from_avatar = distances(open_cells, avatar)
    exit_door = cell_at_distance(
        rng, from_avatar, from_avatar >= MIN_EXIT_DISTANCE, k.exit_distance
    )
    grid[exit_door] = "e"

    from_exit = distances(open_cells, exit_door)
    enemy_zone = (from_avatar >= MIN_ENEMY_DISTANCE) & (from_exit >= MIN_ENEMY_EXIT_DISTANCE)
    for cell in sample_cells(rng, enemy_zone & (grid == "."), k.enemies):
        _dig_pocket(grid, cell, enemy_zone, rng)
        grid[cell] = "c" if rng.random() < 0.5 else "b"

    diamonds = DIAMONDS_NEEDED + k.spare_diamonds
    for cell in sample_cells(rng, grid == ".", diamonds):
        grid[cell] = "x"

    boulder_spots = grid == "."
    boulder_spots[avatar[0] - 1, avatar[1]] = False
    boulder_spots[: exit_door[0], exit_door[1]] = False
    boulders = round(k.boulder_share * np.count_nonzero(grid == "."))
    for cell in sample_cells(rng, boulder_spots, boulders):
        grid[cell] = "o"
    return to_level(grid, "boulderdash")


def _rock(rows: int, cols: int, share: float, rng: np.random.Generator) -> np.ndarray:
    """Inner rock (bool, full level shape, frame excluded): cellular-automaton caves, all
    joined to the largest one, covering at least ``MIN_CAVE_SHARE`` of the inside. The frame
    does not count as rock for the automaton, or rock would pile up along it and shrink the
    small easy levels further."""
    inside = np.ones((rows - 2, cols - 2), dtype=bool)
    while np.mean(~inside) < MIN_CAVE_SHARE:
        inside = rng.random(inside.shape) < share
        for _ in range(CA_ROUNDS):
            padded = np.pad(inside, 1, constant_values=False)
            around = sum(
                padded[1 + dr : rows - 1 + dr, 1 + dc : cols - 1 + dc]
                for dr in (-1, 0, 1) for dc in (-1, 0, 1)
            )
            inside = around >= 5
    rock = np.ones((rows, cols), dtype=bool)
    rock[1:-1, 1:-1] = inside
    _join_caves(rock, rng)
    rock[[0, -1], :] = rock[:, [0, -1]] = False
    return rock


def _join_caves(rock: np.ndarray, rng: np.random.Generator) -> None:
    """Dig L-shaped corridors (in place) from each cave cut off from the largest into it."""
    while True:
        caves = _caves(~rock)
        if len(caves) == 1:
            return
        caves.sort(key=len, reverse=True)
        main, cut_off = caves[0], caves[1]
        (r0, c0) = cut_off[rng.integers(len(cut_off))]
        (r1, c1) = main[rng.integers(len(main))]
        if rng.random() < 0.5:
            rock[r0, min(c0, c1) : max(c0, c1) + 1] = False
            rock[min(r0, r1) : max(r0, r1) + 1, c1] = False
        else:
            rock[min(r0, r1) : max(r0, r1) + 1, c0] = False
            rock[r1, min(c0, c1) : max(c0, c1) + 1] = False


def _caves(open_cells: np.ndarray) -> list[list[Cell]]:
    """The 4-connected components of ``open_cells``."""
    unseen = open_cells.copy()
    caves = []
    for cell in cells(open_cells):
        if unseen[cell]:
            dist = distances(unseen, cell)
            members = cells(dist >= 0)
            unseen[dist >= 0] = False
            caves.append(members)
    return caves


def _dig_pocket(
    grid: np.ndarray, start: Cell, allowed: np.ndarray, rng: np.random.Generator
) -> None:
    """Empty ``POCKET_CELLS`` dirt cells (fewer if boxed in) by a random walk from ``start``,
    staying inside ``allowed``."""
    pocket = [start]
    grid[start] = "-"
    for _ in range(4 * POCKET_CELLS):
        if len(pocket) == POCKET_CELLS:
            return
        r, c = pocket[rng.integers(len(pocket))]
        dr, dc = ((-1, 0), (1, 0), (0, -1), (0, 1))[rng.integers(4)]
        cell = (r + dr, c + dc)
        if allowed[cell] and grid[cell] == ".":
            grid[cell] = "-"
            pocket.append(cell)

