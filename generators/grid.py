"""Helpers shared by the four generators: difficulty checks, character grids, path distances.

A grid is a 2-D ``numpy`` array of single characters (dtype ``"<U1"``), indexed ``[row, col]``,
holding a game's legend characters; :func:`to_level` turns it into a validated
:class:`gvgai_py.Level`.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from gvgai_py import Level

Cell = tuple[int, int]
"""(row, col), 0-based, row 0 at the top."""

_STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


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


def distances(passable: np.ndarray, start: Cell) -> np.ndarray:
    """Path lengths in 4-neighbour steps from ``start`` over ``passable`` cells (bool array);
    -1 where unreachable. ``start`` counts as passable."""
    rows, cols = passable.shape
    dist = np.full((rows, cols), -1, dtype=np.int64)
    dist[start] = 0
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        for dr, dc in _STEPS:
            nr, nc = r + dr, c + dc
            if 0 <= nr < rows and 0 <= nc < cols and passable[nr, nc] and dist[nr, nc] < 0:
                dist[nr, nc] = dist[r, c] + 1
                queue.append((nr, nc))
    return dist


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

