"""The one grid breadth-first search (generators.grid.breadth_first) and its views."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gvgai_generators.grid import UNREACHABLE, breadth_first, distances, grid_moves

INF = UNREACHABLE


def relaxed(rows: int, cols: int, sources: list[int], blocked: set[int]) -> list[float]:
    """Reference distances by repeated relaxation (Bellman-Ford), no queue and no layers."""
    distance = [0 if cell in sources else INF for cell in range(rows * cols)]
    changed = True
    while changed:
        changed = False
        for cell in range(rows * cols):
            if cell in blocked and cell not in sources:
                continue
            for _, neighbour in grid_moves(rows, cols)[cell]:
                if distance[neighbour] + 1 < distance[cell]:
                    distance[cell] = distance[neighbour] + 1
                    changed = True
    return distance


def test_distances_wind_around_a_wall():
    # 3 x 4, a wall down column 1 except at the bottom:
    #   S # . .
    #   . # . .
    #   . . . .
    walls = {1, 5}
    assert breadth_first(3, 4, [0], walls) == [
        0, INF, 6, 7,
        1, INF, 5, 6,
        2, 3, 4, 5,
    ]


def test_several_sources_give_the_distance_to_the_nearest():
    assert breadth_first(1, 7, [0, 6], set()) == [0, 1, 2, 3, 2, 1, 0]


def test_a_blocked_source_still_counts_and_a_walled_off_cell_is_unreachable():
    # 1 x 5: the source sits on a blocked cell; cell 4 lies behind a blocked cell.
    assert breadth_first(1, 5, [1], {1, 3}) == [1, 0, 1, INF, INF]


@pytest.mark.parametrize("seed", range(20))
def test_random_grids_match_a_relaxation(seed):
    rng = np.random.default_rng(seed)
    rows, cols = rng.integers(1, 9, size=2)
    blocked = set(np.flatnonzero(rng.random(rows * cols) < 0.35).tolist())
    sources = sorted(set(rng.integers(rows * cols, size=rng.integers(1, 4)).tolist()))
    assert breadth_first(rows, cols, sources, blocked) == relaxed(rows, cols, sources, blocked)


def test_the_grid_view_marks_unreachable_cells_with_minus_one():
    passable = np.array([
        [True, False, True],
        [True, False, True],
        [True, True, False],
    ])
    # The start counts as passable even on a blocked cell.
    dist = distances(passable, (2, 2))
    assert dist.dtype == np.int64
    assert dist.tolist() == [
        [4, -1, 2],
        [3, -1, 1],
        [2, 1, 0],
    ]
    flat = breadth_first(3, 3, [8], set(np.flatnonzero(~passable).tolist()))
    assert [-1 if math.isinf(d) else d for d in flat] == dist.ravel().tolist()
