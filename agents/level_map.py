"""A map of a game's level space: simple features per level, projected to 2-D with PCA.

Features of a level (:func:`level_features`, names from :func:`feature_names`):

* ``count/<type>``: cells holding a sprite of each leaf sprite type (SpriteSet order);
* ``rows``, ``cols``: the level's size;
* ``openness``: share of cells without a ``wall`` sprite (every game calls its walls so);
* ``path_length``: steps from the avatar along :data:`GOAL_ROUTES` (e.g. Zelda: to the key,
  then to the door), walking anywhere but through walls, hazards ignored; NaN when a wall cuts
  the route. Only for games with a route: Solarfox's goal is to collect every blib.

:func:`project` standardises the features of all levels together and keeps the two leading
principal components, so that generated levels (coloured by difficulty) and human-designed ones
share one picture: a human level far from every generated one is a design the generator does
not produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gvgai_generators.grid import UNREACHABLE, breadth_first
from gvgai_py import Level
from gvgai_py.engine.registry import compiled
from gvgai_py.level import resolve_game

WALL = "wall"
GOAL_ROUTES = {"zelda": ("key", "goal"), "frogs": ("goal",), "boulderdash": ("exitdoor",)}
"""Sprite types the avatar must reach in turn to win (the nearest sprite of each)."""
Cell = tuple[int, int]
"""(row, col), 0-based, row 0 at the top."""


def feature_names(game: str) -> list[str]:
    """Names of the entries of :func:`level_features` for ``game``."""
    names = [f"count/{t.name}" for t in compiled(resolve_game(game)).types]
    names += ["rows", "cols", "openness"]
    if game in GOAL_ROUTES:
        names.append("path_length")
    return names


def type_grid(level: Level) -> list[list[set[str]]]:
    """The leaf sprite type names in each cell, ``[row][col]``."""
    game = compiled(resolve_game(level.game))
    names = {char: {game.types[t].name for t in tids} for char, tids in game.legend.items()}
    return [[names[char] for char in row] for row in level.rows]


def level_features(level: Level) -> np.ndarray:
    """The feature vector of ``level`` (see the module docstring), as floats."""
    game = compiled(resolve_game(level.game))
    grid = type_grid(level)
    counts = [sum(t.name in cell for row in grid for cell in row) for t in game.types]
    walls = np.array([[WALL in cell for cell in row] for row in grid])
    values = [*counts, level.height, level.width, 1.0 - walls.mean()]
    if level.game in GOAL_ROUTES:
        avatars = {t.name for t in game.types if t.is_avatar}
        [avatar] = [(r, c) for r, row in enumerate(grid) for c, cell in enumerate(row)
                    if cell & avatars]
        values.append(route_length(grid, avatar, GOAL_ROUTES[level.game]))
    return np.array(values, dtype=float)


def route_length(grid: list[list[set[str]]], start: Cell, route: tuple[str, ...]) -> float:
    """Steps from ``start`` to the nearest sprite of ``route[0]``, from there to the nearest of
    ``route[1]``, and so on, never through a wall; NaN if a wall cuts the way. Of sprites
    equally near, the first in reading order is the next leg's start."""
    rows, cols = len(grid), len(grid[0])
    walls = {r * cols + c for r, row in enumerate(grid) for c, cell in enumerate(row)
             if WALL in cell}
    total = 0.0
    here = start[0] * cols + start[1]
    for target in route:
        distance = breadth_first(rows, cols, [here], walls)
        targets = [r * cols + c for r, row in enumerate(grid) for c, cell in enumerate(row)
                   if target in cell]
        steps, here = min(((distance[t], t) for t in targets), default=(UNREACHABLE, here))
        if steps == UNREACHABLE:
            return float("nan")
        total += steps
    return total


# ------------------------------------------------------------------ projection
@dataclass(frozen=True)
class Projection:
    """Levels in the plane of the two leading principal components of their features."""

    coords: np.ndarray
    """``(levels, 2)``: each level's position on PC1 and PC2."""
    standardised: np.ndarray
    """``(levels, features)``: z-scored features (NaN replaced by the feature's mean)."""
    explained: np.ndarray
    """``(2,)``: share of the total variance along PC1 and PC2."""
    loadings: np.ndarray
    """``(2, features)``: unit direction of each component in standardised feature space."""


def project(features: np.ndarray) -> Projection:
    """PCA (by SVD) of ``features``, ``(levels, features)``, after z-scoring each feature over
    all levels together; a feature with one value everywhere contributes nothing."""
    x = np.array(features, dtype=float)
    known = ~np.isnan(x)
    counts = known.sum(axis=0)
    means = np.divide(np.where(known, x, 0.0).sum(axis=0), counts,
                      out=np.zeros(x.shape[1]), where=counts > 0)
    x = np.where(known, x, means)
    spread = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    _, singular, components = np.linalg.svd(z, full_matrices=False)
    variance = singular**2
    total = variance.sum()
    explained = variance[:2] / total if total > 0 else np.zeros(2)
    return Projection(z @ components[:2].T, z, explained, components[:2])


def nearest_distance(points: np.ndarray, reference: np.ndarray, *, same: bool = False
                     ) -> np.ndarray:
    """Distance from each of ``points`` to its nearest row of ``reference``; with ``same``
    (``points`` is ``reference``) a point's distance to itself is skipped."""
    distance = np.linalg.norm(points[:, None, :] - reference[None, :, :], axis=-1)
    if same:
        np.fill_diagonal(distance, np.inf)
    return distance.min(axis=1)


# ------------------------------------------------------------------ the map
def game_level_files(game: str, directory: Path) -> list[Path]:
    """The ``.txt`` levels of ``game`` in ``directory``: in a folder of several games' levels
    named the GVGAI way (``zelda_lvl0.txt``), those whose name starts with ``<game>_``, else
    all of them. ValueError if there are none."""
    if not directory.is_dir():
        raise ValueError(f"{directory} is not a folder of level files")
    files = sorted(directory.glob("*.txt"))
    own = [f for f in files if f.name.startswith(f"{game}_")]
    if not (own or files):
        raise ValueError(f"no .txt level files in {directory}")
    return own or files


def generated_levels(game: str, count: int, seed: int = 0) -> list[tuple[float, Level]]:
    """``count`` verified generated levels at difficulties spread evenly over [0, 1], level
    seeds ``seed``, ``seed + 1``, ...: the levels a ``pcg`` training source can draw."""
    from gvgai_generators import generate_verified  # only this command needs the generators

    difficulties = np.linspace(0.0, 1.0, count)
    return [(float(d), generate_verified(game, float(d), seed + i)[0])
            for i, d in enumerate(difficulties)]


def draw_map(
    path: Path,
    game: str,
    generated: list[tuple[float, Level]],
    references: dict[str, list[tuple[str, Level]]],
) -> str:
    """Plot the generated levels (coloured by difficulty) and each group of reference levels
    (``{group: [(label, level)]}``, e.g. our human-designed levels) on the first two principal
    components; save it to ``path`` and return a coverage report: for each reference level the
    distance to the nearest generated level, against the typical spacing of generated levels
    (median distance from one to its nearest neighbour), in standardised feature units."""
    from matplotlib.figure import Figure  # Agg through Figure.savefig, no pyplot state

    labelled = [(group, label, level) for group, members in references.items()
                for label, level in members]
    features = np.stack([level_features(level) for _, level in generated]
                        + [level_features(level) for _, _, level in labelled])
    projection = project(features)
    n = len(generated)
    names = feature_names(game)

    figure = Figure(figsize=(8, 6.5), layout="constrained")
    axes = figure.subplots()
    points = axes.scatter(projection.coords[:n, 0], projection.coords[:n, 1],
                          c=[d for d, _ in generated], cmap="viridis", vmin=0, vmax=1, s=18,
                          alpha=0.8, label=f"generated ({n})")
    figure.colorbar(points, ax=axes, label="difficulty")
    for (group, members), marker in zip(references.items(), "*^sD", strict=False):
        rows = [n + i for i, (g, _, _) in enumerate(labelled) if g == group]
        axes.scatter(projection.coords[rows, 0], projection.coords[rows, 1], marker=marker,
                     s=160, c="tab:red" if marker == "*" else "black", edgecolors="white",
                     label=f"{group} ({len(members)})", zorder=3)
        for row, (label, _) in zip(rows, members, strict=True):
            axes.annotate(label, projection.coords[row], textcoords="offset points",
                          xytext=(6, 4), fontsize=8)
    for axis, k in ((axes.set_xlabel, 0), (axes.set_ylabel, 1)):
        axis(f"PC{k + 1} ({projection.explained[k]:.0%} of variance): "
             f"{_leading_features(projection.loadings[k], names)}")
    axes.set_title(f"{game}: generated levels and designed levels in feature space")
    axes.legend(loc="best", fontsize=8)
    figure.savefig(path, dpi=120)

    spacing = float(np.median(nearest_distance(projection.standardised[:n],
                                               projection.standardised[:n], same=True)))
    gaps = nearest_distance(projection.standardised[n:], projection.standardised[:n])
    lines = [f"nearest generated level (standardised feature distance; generated levels' "
             f"median spacing {spacing:.2f}):"]
    lines += [f"  {group:10s} {label:16s} {gap:6.2f}"
              for (group, label, _), gap in zip(labelled, gaps, strict=True)]
    return "\n".join(lines)


def _leading_features(loading: np.ndarray, names: list[str], count: int = 2) -> str:
    """The features that weigh most in a component, signed: ``+count/wall, -openness``."""
    top = np.argsort(-np.abs(loading))[:count]
    return ", ".join(f"{'+' if loading[i] > 0 else '-'}{names[i]}" for i in top)
