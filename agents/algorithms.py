"""The algorithms ``gvgai train`` offers, their defaults, and self-describing model files.

Every model we save carries a ``gvgai`` attribute (game, algorithm, CPC, observation type and
grid size); SB3 stores it in the zip's ``data`` like any other attribute, so a bare model file
is enough to rebuild matching environments and pick the class to load it with.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stable_baselines3 import A2C, DQN, PPO
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.on_policy_algorithm import OnPolicyAlgorithm
from stable_baselines3.common.policies import ActorCriticPolicy, BasePolicy
from stable_baselines3.common.vec_env import VecEnv
from stable_baselines3.dqn.policies import DQNPolicy

from gvgai_agents.a2c_cpc import A2CCPC, CPCActorCriticPolicy
from gvgai_agents.config import A2C_ROLLOUT
from gvgai_agents.dqn_cpc import DQNCPC, CPCDQNPolicy
from gvgai_agents.extractors import policy_kwargs_for
from gvgai_py.cli import CLIError

METADATA_ATTRIBUTE = "gvgai"


@dataclass(frozen=True)
class Algorithm:
    """One ``--algo`` choice: its SB3 class and policy, with and without CPC, and defaults."""

    plain: tuple[type[BaseAlgorithm], type[BasePolicy]]
    with_cpc: tuple[type[BaseAlgorithm], type[BasePolicy]] | None
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    """Constructor arguments that differ from SB3's defaults."""

    @property
    def on_policy(self) -> bool:
        return issubclass(self.plain[0], OnPolicyAlgorithm)

    def classes(self, cpc: bool) -> tuple[type[BaseAlgorithm], type[BasePolicy]]:
        if cpc and self.with_cpc is None:
            raise ValueError(f"{self.plain[0].__name__} has no CPC variant")
        return self.with_cpc if cpc else self.plain


ALGORITHMS = {
    # A2C as in Justesen et al. 2018 (RMSprop 7e-4, entropy 0.01), with rollouts long enough
    # for CPC to predict several steps ahead.
    "a2c": Algorithm((A2C, ActorCriticPolicy), (A2CCPC, CPCActorCriticPolicy),
                     {"n_steps": A2C_ROLLOUT, "ent_coef": 0.01}),
    # PPO with the Atari settings of the PPO paper.
    "ppo": Algorithm((PPO, ActorCriticPolicy), None,
                     {"n_steps": 128, "batch_size": 256, "n_epochs": 4, "learning_rate": 2.5e-4,
                      "clip_range": 0.1, "ent_coef": 0.01}),
    # DQN with a smaller buffer and earlier start than the Atari settings (short games).
    "dqn": Algorithm((DQN, DQNPolicy), (DQNCPC, CPCDQNPolicy),
                     {"buffer_size": 50_000, "learning_starts": 2_000, "train_freq": 4,
                      "target_update_interval": 2_000, "exploration_fraction": 0.1,
                      "exploration_final_eps": 0.01, "learning_rate": 1e-4}),
}


def build_model(
    algo: str,
    env: VecEnv,
    metadata: dict[str, Any],
    *,
    cpc: bool = False,
    cpc_weight: float = 1.0,
    cpc_horizons: int = 4,
    seed: int = 0,
    **overrides: Any,
) -> BaseAlgorithm:
    """A new model of ``algo`` on ``env``, with the extractor that suits its observations.

    ``metadata`` is stored on the model (see :func:`model_metadata`); ``overrides`` replace
    constructor arguments of the SB3 class (``learning_starts=100``, ...).
    """
    algorithm = ALGORITHMS[algo]
    model_class, policy_class = algorithm.classes(cpc)
    kwargs = {**algorithm.hyperparameters, **overrides}
    policy_kwargs = policy_kwargs_for(env.observation_space)
    if cpc:
        kwargs["cpc_weight"] = cpc_weight
        policy_kwargs["cpc_horizons"] = cpc_horizons
    model = model_class(policy_class, env, policy_kwargs=policy_kwargs, seed=seed, device="cpu",
                        **kwargs)
    setattr(model, METADATA_ATTRIBUTE, metadata)
    return model


def model_metadata(model: BaseAlgorithm) -> dict[str, Any]:
    """What :func:`build_model` recorded: ``game``, ``algo``, ``cpc``, ``obs_type``, ``size``
    (rows, cols of the observed grid) and ``max_episode_steps``."""
    return getattr(model, METADATA_ATTRIBUTE)


def read_metadata(path: Path) -> dict[str, Any]:
    """The ``gvgai`` attribute stored in a model file, without loading the weights."""
    try:
        with zipfile.ZipFile(path) as archive:
            metadata = json.loads(archive.read("data"))[METADATA_ATTRIBUTE]
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise CLIError(f"{path} is not a readable gvgai model ({type(err).__name__}: {err})") \
            from None
    if not isinstance(metadata, dict) or metadata.get("algo") not in ALGORITHMS:
        raise CLIError(f"{path} is not a readable gvgai model (bad {METADATA_ATTRIBUTE} data)")
    return metadata


def load_model(path: Path, env: VecEnv | None = None) -> BaseAlgorithm:
    """Load a model saved by ``gvgai train`` with its own class; ``env`` to continue training."""
    metadata = read_metadata(path)
    model_class, _ = ALGORITHMS[metadata["algo"]].classes(bool(metadata.get("cpc")))
    try:
        return model_class.load(path, env=env, device="cpu")
    except Exception as err:  # noqa: BLE001 - a damaged file can fail in any layer below
        raise CLIError(f"{path} is not a readable gvgai model ({type(err).__name__}: {err})") \
            from None
