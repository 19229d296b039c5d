"""The algorithms ``gvgai train`` offers, their defaults, and self-describing model files.

A model file is SB3's zip. Every model we build carries a ``gvgai`` attribute (game, algorithm,
observation type, grid size, CPC settings and the constructor arguments that differ from
:data:`ALGORITHMS`); SB3 stores it as plain JSON in the zip's ``data`` entry, so a bare model
file is enough to rebuild matching environments and the model itself.

Loading never unpickles. SB3's own ``load`` unpickles (cloudpickle) the objects that ``data``
stores in base64, which can run any code; :func:`load_model` instead reads ``data`` as JSON,
rebuilds the model with :func:`build_model` and loads the weights and optimizer state with
``torch.load(weights_only=True)``, which accepts tensors and plain containers only. Besides
those it restores the training progress SB3 keeps as JSON numbers (:data:`PROGRESS_FIELDS`)
and the recent episodes that :func:`save_model` records as JSON; what SB3 only pickles (the
last observation, the spaces) is rebuilt or started afresh.

A model is built on the torch device it is given and a file loads onto any device, whichever
one it was trained on: the tensors are mapped there as they are read.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch as th
from stable_baselines3 import A2C, DQN, PPO
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.on_policy_algorithm import OnPolicyAlgorithm
from stable_baselines3.common.policies import ActorCriticCnnPolicy, BasePolicy
from stable_baselines3.common.sb2_compat.rmsprop_tf_like import RMSpropTFLike
from stable_baselines3.common.vec_env import DummyVecEnv, VecEnv
from stable_baselines3.dqn.policies import DQNPolicy

from gvgai_agents.a2c_cpc import A2CCPC, CPCActorCriticPolicy
from gvgai_agents.config import A2C_ROLLOUT, check_device_name
from gvgai_agents.dqn_cpc import DQNCPC, CPCDQNPolicy
from gvgai_agents.errors import ConfigError, ModelFileError
from gvgai_agents.extractors import policy_kwargs_for
from gvgai_py.envs import GVGAIEnv
from gvgai_py.files import save_atomically

METADATA_ATTRIBUTE = "gvgai"
EPISODES_ATTRIBUTE = "gvgai_episodes"
"""The recent episodes (SB3's ``ep_info_buffer``, which SB3 itself pickles), as JSON."""
PROGRESS_FIELDS = ("num_timesteps", "_episode_num", "_n_updates", "_current_progress_remaining",
                   "_n_calls", "exploration_rate")
"""Training progress that SB3 stores as JSON numbers: the step count, the position of the
learning-rate schedule, and DQN's target-update phase and exploration rate."""
DEFAULT_CPC_HORIZONS = 4
RMSPROP_TF_LIKE = "rmsprop_tf_like"
"""The override of :func:`build_model` that selects TensorFlow's RMSprop."""


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


# The plain actor-critics use SB3's CNN policy class, which only differs from ActorCriticPolicy
# in its default extractor (ours is always given): SB3 warns that a GPU is wasted on a policy
# whose class is ActorCriticPolicy, taking it for an MLP.
ALGORITHMS = {
    # A2C as in Justesen et al. 2018 (RMSprop 7e-4, entropy 0.01), with rollouts long enough
    # for CPC to predict several steps ahead.
    "a2c": Algorithm((A2C, ActorCriticCnnPolicy), (A2CCPC, CPCActorCriticPolicy),
                     {"n_steps": A2C_ROLLOUT, "ent_coef": 0.01}),
    # PPO with the Atari settings of the PPO paper.
    "ppo": Algorithm((PPO, ActorCriticCnnPolicy), None,
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
    cpc_horizons: int = DEFAULT_CPC_HORIZONS,
    seed: int = 0,
    device: th.device | str = "cpu",
    **overrides: Any,
) -> BaseAlgorithm:
    """A new model of ``algo`` on ``env``, with the extractor that suits its observations,
    its networks on ``device`` (a torch device as it is: see :func:`resolve_device`).

    ``overrides`` replace constructor arguments of the SB3 class (``learning_starts=100``,
    ...), and ``rmsprop_tf_like=True`` gives an on-policy algorithm TensorFlow's RMSprop;
    they must be numbers or booleans. The model carries ``metadata`` completed with this
    call's arguments (see :func:`model_metadata`), which is what :func:`load_model` rebuilds
    it from.
    """
    for name, value in overrides.items():
        if not isinstance(value, (int, float)):
            raise ValueError(f"{name}={value!r}: build_model's overrides must be numbers, so "
                             "that a saved model can be rebuilt from plain JSON")
    algorithm = ALGORITHMS[algo]
    model_class, policy_class = algorithm.classes(cpc)
    kwargs = {**algorithm.hyperparameters, **overrides}
    policy_kwargs = policy_kwargs_for(env.observation_space)
    if kwargs.pop(RMSPROP_TF_LIKE, False):
        # SB3's port of TensorFlow's RMSprop, which OpenAI baselines' A2C used (its epsilon
        # sits inside the square root), with A2C's alpha and epsilon.
        policy_kwargs["optimizer_class"] = RMSpropTFLike
        policy_kwargs["optimizer_kwargs"] = {"alpha": 0.99, "eps": 1e-5, "weight_decay": 0}
    if cpc:
        kwargs["cpc_weight"] = cpc_weight
        policy_kwargs["cpc_horizons"] = cpc_horizons
    model = model_class(policy_class, env, policy_kwargs=policy_kwargs, seed=seed, device=device,
                        **kwargs)
    setattr(model, METADATA_ATTRIBUTE, {
        **metadata, "algo": algo, "cpc": cpc, "cpc_weight": cpc_weight,
        "cpc_horizons": cpc_horizons, "hyperparameters": dict(overrides)})
    return model


def resolve_device(name: str) -> th.device:
    """The torch device a ``--device`` names: ``auto`` is CUDA when torch sees a GPU, else
    the CPU. A CUDA device torch cannot see is refused (SB3 would quietly use the CPU)."""
    check_device_name(name)
    if name == "auto":
        return th.device("cuda" if th.cuda.is_available() else "cpu")
    device = th.device(name)
    if device.type == "cuda":
        count = th.cuda.device_count() if th.cuda.is_available() else 0
        if count == 0:
            raise ConfigError(f"--device {name}: torch sees no CUDA GPU here (torch "
                              f"{th.__version__}); use --device cpu or auto")
        if device.index is not None and device.index >= count:
            raise ConfigError(f"--device {name}: torch sees {count} CUDA GPU(s), cuda:0 to "
                              f"cuda:{count - 1}")
    return device


def model_metadata(model: BaseAlgorithm) -> dict[str, Any]:
    """What :func:`build_model` recorded: ``game``, ``obs_type``, ``size`` (rows, cols of the
    observed grid) and ``max_episode_steps`` as given, and its own ``algo``, ``cpc``,
    ``cpc_weight``, ``cpc_horizons`` and ``hyperparameters`` (the overrides)."""
    return getattr(model, METADATA_ATTRIBUTE)


def write_model(model: BaseAlgorithm, path: Path) -> None:
    """Write ``model`` to ``path`` (in place: see :func:`save_model`), with its recent
    episodes as JSON."""
    episodes = [{key: value.item() if isinstance(value, np.generic) else value
                 for key, value in episode.items()} for episode in model.ep_info_buffer or ()]
    setattr(model, EPISODES_ATTRIBUTE, episodes)
    with open(path, "wb") as file:  # SB3 would add ``.zip`` to a name without it
        model.save(file)


def save_model(model: BaseAlgorithm, path: Path) -> None:
    """Atomically save ``model`` to ``path``."""
    save_atomically(path, lambda tmp: write_model(model, tmp))


@dataclass(frozen=True)
class ModelFile:
    """A model file's ``data`` entry, read as JSON: nothing unpickled, no weights loaded."""

    path: Path
    data: dict[str, Any]
    """SB3's pickled objects stay base64 text here, never decoded."""
    metadata: dict[str, Any]
    """:func:`build_model`'s record, with defaults for what older files did not record."""

    @classmethod
    def read(cls, path: Path) -> ModelFile:
        try:
            with zipfile.ZipFile(path) as archive:
                data = json.loads(archive.read("data"))
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as err:
            raise unreadable(path, err) from None
        stored = data.get(METADATA_ATTRIBUTE) if isinstance(data, dict) else None
        if not isinstance(stored, dict) or stored.get("algo") not in ALGORITHMS:
            raise ModelFileError(f"{path} is not a readable gvgai model (bad "
                                 f"{METADATA_ATTRIBUTE} data)")
        if type(data.get("num_timesteps")) is not int:  # not a bool either
            raise ModelFileError(f"{path} is not a readable gvgai model (no step count)")
        return cls(path, data, {**legacy_metadata(data, stored["algo"]), **stored})

    @property
    def num_timesteps(self) -> int:
        return self.data["num_timesteps"]

    def build(self, env: VecEnv | None = None, device: th.device | str = "cpu") -> BaseAlgorithm:
        """A new, untrained model as the metadata describes, on ``env`` (default: a stand-in
        with the model's spaces that plays no level, enough to predict) and ``device``,
        seeded with the file's seed plus its step count: training on does not replay the
        random numbers the run began with."""
        meta = self.metadata
        try:
            seed = int(self.data.get("seed") or 0) + self.num_timesteps
            return build_model(meta["algo"], env or stand_in_env(meta), meta, cpc=meta["cpc"],
                               cpc_weight=meta["cpc_weight"], cpc_horizons=meta["cpc_horizons"],
                               seed=seed, device=device, **meta["hyperparameters"])
        except (KeyError, TypeError, ValueError) as err:
            raise ModelFileError(f"{self.path} is not a readable gvgai model (bad "
                                 f"{METADATA_ATTRIBUTE} data: {one_line(err)})") from None

    def restore(self, model: BaseAlgorithm) -> None:
        """Load the weights and optimizer state (``torch.load(weights_only=True)``, onto the
        model's device), the training progress and the recent episodes into ``model``, built
        to match."""
        try:
            params = self._tensors(model._get_torch_save_params()[0], model.device)
        except Exception as err:  # noqa: BLE001 - a damaged file can fail in any layer below
            raise unreadable(self.path, err) from None
        try:
            model.set_parameters(params, exact_match=True, device=model.device)
        except (RuntimeError, ValueError) as err:
            raise ModelFileError(f"{self.path}: its weights do not fit the model its "
                                 f"{METADATA_ATTRIBUTE} data describes ({one_line(err)})"
                                 f"{self._legacy_hint()}") from None
        for name in PROGRESS_FIELDS:
            value = self.data.get(name)
            if hasattr(model, name) and is_number(value):
                setattr(model, name, value)
        # SB3 asserts that the success buffer exists once the episode buffer does.
        model.ep_info_buffer = deque(self._episodes(), maxlen=model._stats_window_size)
        model.ep_success_buffer = deque(maxlen=model._stats_window_size)

    def _tensors(self, names: list[str], device: th.device) -> dict[str, Any]:
        """The state dicts saved as ``<name>.pth``, read with ``weights_only=True`` onto
        ``device`` (a model saved on a GPU loads on a CPU, and back)."""
        with zipfile.ZipFile(self.path) as archive:
            return {name: th.load(io.BytesIO(archive.read(f"{name}.pth")), map_location=device,
                                  weights_only=True)
                    for name in names}

    def _episodes(self) -> list[dict[str, Any]]:
        episodes = self.data.get(EPISODES_ATTRIBUTE, [])
        if not isinstance(episodes, list) or not all(
                isinstance(episode, dict)
                and all(isinstance(value, (int, float)) for value in episode.values())
                for episode in episodes):
            raise ModelFileError(f"{self.path} is not a readable gvgai model (bad "
                                 f"{EPISODES_ATTRIBUTE} data)")
        return episodes

    def _legacy_hint(self) -> str:
        if not self.metadata["cpc"] or "cpc_horizons" in self.data[METADATA_ATTRIBUTE]:
            return ""
        return (f"; an older gvgai wrote it: if it was trained with --cpc-horizons K, add "
                f'"cpc_horizons": K to the "{METADATA_ATTRIBUTE}" object of the JSON entry '
                '"data" inside the zip')


def legacy_metadata(data: dict[str, Any], algo: str) -> dict[str, Any]:
    """What files written before the ``gvgai`` record held the model's settings default to:
    the CPC weight and rollout length from SB3's own JSON fields, the default CPC horizons."""
    hyperparameters = {}
    if ALGORITHMS[algo].on_policy and isinstance(data.get("n_steps"), int):
        hyperparameters["n_steps"] = data["n_steps"]
    return {"cpc_weight": data.get("cpc_weight", 1.0), "cpc_horizons": DEFAULT_CPC_HORIZONS,
            "hyperparameters": hyperparameters}


def stand_in_env(metadata: dict[str, Any]) -> VecEnv:
    """One environment with the spaces of the model ``metadata`` describes; it plays no level."""
    env = GVGAIEnv(metadata["game"], level=_no_level, obs_type=metadata["obs_type"],
                   size=tuple(metadata["size"]), max_steps=metadata["max_episode_steps"])
    return DummyVecEnv([lambda: env])


def _no_level(rng: np.random.Generator) -> Any:
    raise RuntimeError("a loaded model's stand-in environment plays no level: give load_model "
                       "an environment to train on")


def read_metadata(path: Path) -> dict[str, Any]:
    """The ``gvgai`` record of a model file (see :func:`model_metadata`), without loading
    the weights."""
    return ModelFile.read(path).metadata


def load_model(path: Path, env: VecEnv | None = None,
               device: th.device | str = "cpu") -> BaseAlgorithm:
    """The model saved at ``path``, rebuilt without unpickling (see the module docstring) on
    ``device``, whatever device it was saved from; ``env`` to continue training it."""
    saved = ModelFile.read(path)
    model = saved.build(env, device)
    saved.restore(model)
    return model


def is_number(value: Any) -> bool:
    """Whether a JSON value is a number (JSON's true is Python's True, also an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def unreadable(path: Path, err: BaseException) -> ModelFileError:
    return ModelFileError(f"{path} is not a readable gvgai model ({type(err).__name__}: "
                          f"{one_line(err)})")


def one_line(err: BaseException) -> str:
    """The first line of an error's message (torch's and SB3's run over several)."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else ""
