"""Helpers shared by the four generators: difficulty checks, character grids, path distances.

A grid is a 2-D ``numpy`` array of single characters (dtype ``"<U1"``), indexed ``[row, col]``,
holding a game's legend characters; :func:`to_level` turns it into a validated
:class:`gvgai_py.Level`.

Path distances come from one breadth-first search, :func:`breadth_first`, over flat cell indices
(row * cols + col), the cells the planners and the solvability search work in;
:func:`distances` is the same search over a grid's ``[row, col]`` cells.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Container, Iterable

import numpy as np

from gvgai_py import Level

Cell = tuple[int, int]
"""(row, col), 0-based, row 0 at the top."""

UNREACHABLE = math.inf
"""The distance :func:`breadth_first` gives a cell that no source can reach."""


def check_difficulty(difficulty: float) -> float:
    """``difficulty`` as a float, or ValueError unless it lies in [0, 1]."""
    difficulty = float(difficulty)
    if not 0.0 <= difficulty <= 1.0:  # also rejects NaN
        raise ValueError(f"difficulty must be in [0, 1], got {difficulty}")
    return difficulty


def lerp(easy: float, hard: float, difficulty: float) -> float:
    """The value at ``difficulty`` on the line from ``easy`` (d = 0) to ``hard`` (d = 1)."""
    return easy + (hard - easy) * difficulty


def filled(rows: int, cols: int, char: str) -> np.ndarray:
    """A ``rows`` x ``cols`` grid of ``char``."""
    return np.full((rows, cols), char, dtype="<U1")


def bordered(rows: int, cols: int, inside: str, border: str = "w") -> np.ndarray:
    """A grid of ``inside`` surrounded by a one-cell frame of ``border``."""
    grid = filled(rows, cols, border)
    grid[1:-1, 1:-1] = inside
    return grid


def to_level(grid: np.ndarray, game: str) -> Level:
    """The grid as a validated level of ``game``."""
    return Level.from_string("\n".join("".join(row) for row in grid), game)


@functools.cache
def grid_moves(rows: int, cols: int) -> tuple[tuple[tuple[str, int], ...], ...]:
    """For every flat cell of a rows x cols grid, its (move name, neighbour cell) pairs."""
    moves = []
    for cell in range(rows * cols):
        row, col = divmod(cell, cols)
        here = []
        if col > 0:
            here.append(("LEFT", cell - 1))
        if col < cols - 1:
            here.append(("RIGHT", cell + 1))
        if row < rows - 1:
            here.append(("DOWN", cell + cols))
        if row > 0:
            here.append(("UP", cell - cols))
        moves.append(tuple(here))
    return tuple(moves)


def breadth_first(
    rows: int, cols: int, sources: Iterable[int], blocked: Container[int],
    can_step: Callable[[int, int], bool] | None = None,
) -> list[float]:
    """Steps from the nearest of ``sources`` to every flat cell of a rows x cols grid, moving
    between 4-neighbours that are not ``blocked`` (and, with ``can_step``, only from ``cell``
    to ``nxt`` where ``can_step(cell, nxt)``).

    Returns a list of length rows * cols: 0 at the sources (which count even when blocked: a
    door, a diamond under attack, an avatar's cell), :data:`UNREACHABLE` where no source leads.
    Without ``can_step`` moves are symmetric, so it is also the distance from every cell to the
    nearest source.
    """
    moves = grid_moves(rows, cols)
    distance = [UNREACHABLE] * (rows * cols)
    frontier = list(sources)
    for source in frontier:
        distance[source] = 0
    steps = 0
    while frontier:
        steps += 1
        reached = []
        for cell in frontier:
            for _, nxt in moves[cell]:
                if (distance[nxt] == UNREACHABLE and nxt not in blocked
                        and (can_step is None or can_step(cell, nxt))):
                    distance[nxt] = steps
                    reached.append(nxt)
        frontier = reached
    return distance


def distances(passable: np.ndarray, start: Cell) -> np.ndarray:
    """Path lengths in 4-neighbour steps from ``start`` over ``passable`` cells (bool array);
    -1 where unreachable. ``start`` counts as passable. (:func:`breadth_first` on the grid.)"""
    rows, cols = passable.shape
    blocked = set(np.flatnonzero(~passable).tolist())
    flat = np.array(breadth_first(rows, cols, [start[0] * cols + start[1]], blocked))
    return np.where(np.isinf(flat), -1, flat).astype(np.int64).reshape(rows, cols)


def cells(mask: np.ndarray) -> list[Cell]:
    """The True cells of ``mask`` in reading order."""
    return [(int(r), int(c)) for r, c in np.argwhere(mask)]


def sample_cells(rng: np.random.Generator, mask: np.ndarray, count: int) -> list[Cell]:
    """Up to ``count`` distinct True cells of ``mask``, uniformly at random."""
    candidates = cells(mask)
    count = min(count, len(candidates))
    picked = rng.choice(len(candidates), size=count, replace=False) if count else []
    return [candidates[i] for i in picked]


def cell_at_distance(
    rng: np.random.Generator, dist: np.ndarray, mask: np.ndarray, quantile: float,
    jitter: float = 0.15,
) -> Cell | None:
    """A True cell of ``mask`` whose distance ranks near ``quantile`` (0 nearest, 1 farthest)
    among them; the rank is jittered by up to ``jitter`` so that a difficulty gives a spread
    of layouts rather than always the single farthest cell. ``None`` if ``mask`` is empty."""
    candidates = cells(mask)
    if not candidates:
        return None
    candidates.sort(key=lambda cell: dist[cell])
    target = min(max(quantile + rng.uniform(-jitter, jitter), 0.0), 1.0)
    return candidates[round(target * (len(candidates) - 1))]

