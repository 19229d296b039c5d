"""Model files for tests that need a trained model but not its training: an untrained A2C on
Zelda's symbolic observations, optionally made to always choose one action.

Tests import this module as ``tiny_models`` (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

from pathlib import Path

import torch as th

from gvgai_agents.algorithms import build_model, save_model, stand_in_env
from gvgai_py.envs import GVGAIEnv

CORRIDOR = "wwwwwwwwww\nwA+.....gw\nwwwwwwwwww\n"
"""Zelda in a corridor: RIGHT takes the key, six more reach the door (won after 7 ticks)."""
SIZE = (3, 10)
MAX_STEPS = 30


def zelda_model(path: Path, always: str | None = None, size: tuple[int, int] = SIZE,
                seed: int = 0) -> Path:
    """Save to ``path`` an A2C model of Zelda observing ``size`` symbolic grids with episodes
    of :data:`MAX_STEPS`, its weights as initialised from ``seed``; with ``always``, its
    policy gives that action (``"RIGHT"``) a probability of 1 whatever it sees."""
    meta = {"game": "zelda", "obs_type": "symbolic", "size": list(size),
            "max_episode_steps": MAX_STEPS}
    model = build_model("a2c", stand_in_env(meta), meta, seed=seed)
    if always is not None:
        index = GVGAIEnv("zelda").get_action_meanings().index(always)
        with th.no_grad():
            model.policy.action_net.weight.zero_()
            model.policy.action_net.bias.fill_(-50.0)
            model.policy.action_net.bias[index] = 50.0
    path.parent.mkdir(parents=True, exist_ok=True)
    save_model(model, path)
    return path
