"""Zelda levels: a 9 x 13 walled maze with an avatar, a key, a door and monsters.

The game: :mod:`gvgai_py.games.zelda`.

Layout: the interior is a 6 x 4 grid of maze cells at odd (row, col) with wall segments between
them, carved into a perfect maze (randomised depth-first search), then opened up by knocking
down the maze's remaining walls with probability ``openness``. A pillar (even row, even col)
falls only when all four walls around it fell, so open areas become rooms, not pillar forests.

Knobs (:class:`Knobs`, drawn by :func:`knobs`):

* ``openness`` 0.85 -> 0.2: share of leftover maze walls removed. Easy levels are open rooms
  where every item is in sight; hard ones are mazes with dead ends.
* ``monsters`` = floor((0.6·d + 0.2·u)·0.05·rows·cols), u ~ U(0, 1): 0-1 at d = 0, 3-4 at d = 1
  (the original levels have 3-4). Monsters start at least ``MIN_MONSTER_DISTANCE`` steps from
  the avatar, in the farther half of the maze.
* ``quick_share`` 0.1 -> 0.6: chance that a monster is a quick one (``1``); the rest are split
  evenly between normal (``2``) and slow (``3``).
* ``key_distance`` 0.2 -> 0.9: where the key sits among the cells ranked by path distance from
  the avatar (0 nearest, 1 farthest); ``door_distance`` likewise, ranked by distance from the
  key. The door never blocks the way to the key, since it is solid until the key is taken.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gvgai_generators.grid import (
    Cell,
    bordered,
    cell_at_distance,
    check_difficulty,
    distances,
    lerp,
    sample_cells,
    to_level,
)
from gvgai_py import Level

ROWS, COLS = 9, 13
MAX_SIZE = (ROWS, COLS)
MIN_MONSTER_DISTANCE = 4
"""A quick monster needs 2 ticks per cell and the avatar 1 turn, so 4 cells is a head start."""


@dataclass(frozen=True)
class Knobs:
    """What difficulty controls in a Zelda level (see the module docstring)."""

    openness: float
    """Probability that a wall the maze left standing is removed."""
    monsters: int
    """Number of monsters."""
    quick_share: float
    """Probability that a monster is quick rather than normal or slow."""
    key_distance: float
    """Distance rank of the key from the avatar, 0 nearest to 1 farthest."""
    door_distance: float
    """Distance rank of the door from the key, 0 nearest to 1 farthest."""


def knobs(difficulty: float, rng: np.random.Generator) -> Knobs:
    """The knobs for ``difficulty`` in [0, 1]; the monster count has a random part."""
    d = check_difficulty(difficulty)
    return Knobs(
        openness=lerp(0.85, 0.2, d),
        monsters=math.floor((0.6 * d + 0.2 * rng.random()) * 0.05 * ROWS * COLS),
        quick_share=lerp(0.1, 0.6, d),
        key_distance=lerp(0.2, 0.9, d),
        door_distance=lerp(0.2, 0.9, d),
    )


def generate(difficulty: float, rng: np.random.Generator) -> Level:
    """A random Zelda level at ``difficulty`` in [0, 1] (0 easiest)."""
    return build(knobs(difficulty, rng), rng)


def build(k: Knobs, rng: np.random.Generator) -> Level:
    """A random Zelda level with the given knobs."""
    door = None
    while door is None:  # rare: a maze that is one corridor from the avatar to the key
        grid = _maze(k.openness, rng)
        floor = grid == "."
        [avatar] = sample_cells(rng, floor, 1)
        grid[avatar] = "A"
        from_avatar = distances(floor, avatar)
        key = cell_at_distance(rng, from_avatar, floor & (from_avatar > 0), k.key_distance)
        grid[key] = "+"
        door = _door(grid, avatar, key, k.door_distance, rng)
    grid[door] = "g"

    reachable = from_avatar[from_avatar >= 0]
    far = (grid == ".") & (from_avatar >= max(MIN_MONSTER_DISTANCE, np.median(reachable)))
    for cell in sample_cells(rng, far, k.monsters):
        quick = rng.random() < k.quick_share
        grid[cell] = "1" if quick else rng.choice(["2", "3"])
    return to_level(grid, "zelda")


def _maze(openness: float, rng: np.random.Generator) -> np.ndarray:
    """The walls and floor (``w``/``.``): a carved perfect maze with walls knocked down."""
    grid = bordered(ROWS, COLS, "w")
    maze_rows, maze_cols = (ROWS - 1) // 2, (COLS - 1) // 2
    visited = np.zeros((maze_rows, maze_cols), dtype=bool)
    stack = [(int(rng.integers(maze_rows)), int(rng.integers(maze_cols)))]
    visited[stack[0]] = True
    grid[2 * stack[0][0] + 1, 2 * stack[0][1] + 1] = "."
    while stack:
        r, c = stack[-1]
        unvisited = [
            (r + dr, c + dc) for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1))
            if 0 <= r + dr < maze_rows and 0 <= c + dc < maze_cols and not visited[r + dr, c + dc]
        ]
        if not unvisited:
            stack.pop()
            continue
        nr, nc = unvisited[rng.integers(len(unvisited))]
        visited[nr, nc] = True
        grid[2 * nr + 1, 2 * nc + 1] = "."
        grid[r + nr + 1, c + nc + 1] = "."  # the wall segment between the two maze cells
        stack.append((nr, nc))

    for r in range(1, ROWS - 1):
        for c in range(1, COLS - 1):
            is_segment = (r % 2) != (c % 2)
            if is_segment and grid[r, c] == "w" and rng.random() < openness:
                grid[r, c] = "."
    for r in range(2, ROWS - 1, 2):
        for c in range(2, COLS - 1, 2):
            around = grid[r - 1, c], grid[r + 1, c], grid[r, c - 1], grid[r, c + 1]
            if all(ch == "." for ch in around) and rng.random() < openness:
                grid[r, c] = "."
    return grid


def _door(
    grid: np.ndarray, avatar: Cell, key: Cell, quantile: float, rng: np.random.Generator
) -> Cell | None:
    """A floor cell for the door near ``quantile`` of the distance ranking from the key, among
    the cells whose blocking still leaves the key reachable from the avatar; ``None`` if there
    is no such cell."""
    floor = grid == "."
    from_key = distances(floor | (grid == "A"), key)
    candidates = floor & (from_key > 0)
    while (door := cell_at_distance(rng, from_key, candidates, quantile)) is not None:
        walkable = grid != "w"
        walkable[door] = False
        if distances(walkable, avatar)[key] >= 0:
            return door
        candidates[door] = False
    return None
