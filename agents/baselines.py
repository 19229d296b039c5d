"""A uniform random agent: the baseline every win rate is read against.

It plays through the code that evaluates a trained model (:func:`gvgai_agents.evaluate.evaluate`),
so it meets the same episodes: the same levels in the same order, the same episode seeds and
the same episode cap.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gvgai_agents.algorithms import METADATA_ATTRIBUTE
from gvgai_py import GAMES
from gvgai_py.engine.registry import compiled


class RandomAgent:
    """Chooses every action uniformly from the game's actions, with its own generator.

    It offers what evaluation uses of a model: ``predict`` and the metadata that says which
    environments to build (``size``: rows, cols of the observed grid, which it ignores).
    """

    def __init__(self, game: str, size: tuple[int, int], max_episode_steps: int,
                 seed: int = 0) -> None:
        self.n_actions = len(compiled(GAMES[game]).actions)
        self.rng = np.random.default_rng(seed)
        setattr(self, METADATA_ATTRIBUTE, {"game": game, "obs_type": "symbolic",
                                           "size": list(size),
                                           "max_episode_steps": max_episode_steps})

    def predict(self, observation: np.ndarray, deterministic: bool = False
                ) -> tuple[np.ndarray, Any]:
        """One action per observation of the batch ``observation`` (``(n, ...)``); the
        ``deterministic`` flag of a policy means nothing here."""
        return self.rng.integers(self.n_actions, size=len(observation)), None
