"""Trained models as agents of ``gvgai play --agent RUN_DIR|MODEL``.

:func:`load_agent` is this package's entry in the ``gvgai_py.agent_loaders`` group (see
``pyproject.toml``): gvgai_py calls it by name, never importing this package, and gets a
:class:`gvgai_py.play.Agent`: the model's game, the environment arguments its observations
need (from the model file's ``gvgai`` record) and a function from one observation to an
action. Models load through :func:`gvgai_agents.algorithms.load_model`, which never unpickles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gvgai_py.play import Agent


def load_agent(path: str, deterministic: bool = False) -> Agent:
    """The model at ``path`` (a model file, or a run directory: its final model, else its
    newest checkpoint) as an agent, on the CPU (one observation at a time). Its actions are
    sampled from the policy unless ``deterministic``."""
    from gvgai_agents.algorithms import load_model, model_metadata  # heavy: torch and SB3
    from gvgai_agents.eval_command import resolve_model

    model = load_model(resolve_model(Path(path)))
    meta = model_metadata(model)

    def act(observation: Any) -> int:
        action, _ = model.predict(observation, deterministic=deterministic)
        return int(action)

    name = f"{meta['algo']}{'+cpc' if meta['cpc'] else ''}"
    env_kwargs = {"obs_type": meta["obs_type"], "size": tuple(meta["size"]),
                  "max_steps": meta["max_episode_steps"]}
    return Agent(name, meta["game"], act, env_kwargs)
