"""Statistics over a study's seeds: percentile bootstrap intervals of means, and the table of
one measure by condition and test set."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 10_000


def bootstrap_ci(
    samples: np.ndarray,
    confidence: float = CONFIDENCE,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the mean over axis 0 of ``samples`` (``(n, ...)``:
    e.g. seeds x curve points): the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2``
    quantiles of the means of ``resamples`` resamples of the n rows with replacement.

    A resample's mean is its row counts (multinomial) times the rows, divided by n, so that
    memory grows with ``resamples x points``, not ``resamples x n x points``.
    """
    samples = np.asarray(samples, dtype=float)
    n = samples.shape[0]
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=resamples)
    means = (counts @ samples.reshape(n, -1) / n).reshape(resamples, *samples.shape[1:])
    tail = (1.0 - confidence) / 2
    low, high = np.quantile(means, [tail, 1.0 - tail], axis=0)
    return low, high


@dataclass(frozen=True)
class SeedValues:
    """Mean and bootstrap CI over seeds of one condition on one test set."""

    values: np.ndarray
    """One value per seed."""

    @property
    def mean(self) -> float:
        return float(self.values.mean())

    @property
    def interval(self) -> tuple[float, float]:
        low, high = bootstrap_ci(self.values)
        return float(low), float(high)


def table(rows: list[dict[str, Any]], column: str) -> dict[tuple[str, str], SeedValues]:
    """``{(condition, test set): SeedValues}`` of ``column`` over seeds."""
    grouped: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        grouped.setdefault((row["condition"], row["test_set"]), []).append(float(row[column]))
    return {key: SeedValues(np.array(values)) for key, values in grouped.items()}
