"""The configuration of a training run: a documented dataclass that also defines the options
of ``gvgai train``, and the record of it written to the run's ``config.json``.

Only light imports here: ``gvgai --help`` builds its parser from this module.
"""

from __future__ import annotations

import argparse
import platform
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from gvgai_agents.errors import ConfigError
from gvgai_py import GAMES
from gvgai_py.envs import MAX_STEPS
from gvgai_py.outputs import check_plain_name

ALGOS = ("a2c", "dqn", "ppo")
CPC_ALGOS = ("a2c", "dqn")
A2C_ROLLOUT = 16
"""Rollout length of an a2c model file that records none (those made before presets): long
enough for CPC to predict several steps ahead."""
OBS_TYPES = ("symbolic", "pixels")
VEC_ENVS = ("subproc", "dummy")
DEVICE_HELP = ("torch device: auto (CUDA when torch sees a GPU, else the CPU) | cpu | cuda | "
               "cuda:N")
DEVICE_NAME = re.compile(r"auto|cpu|cuda(:\d+)?")
PACKAGES = ("gvgai_py", "torch", "stable_baselines3", "gymnasium", "numpy")


@dataclass(frozen=True)
class Preset:
    """A training setup: the defaults of the options a run leaves out (an option given
    explicitly wins). The rollout and ``hyperparameters`` apply to a2c; the other algorithms
    keep their own."""

    summary: str
    cpc: bool
    """CPC on, for the algorithms that have it."""
    n_envs: int
    a2c_rollout: int
    max_episode_steps: int
    obs: str
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    """Overrides of a2c's constructor arguments (:func:`gvgai_agents.algorithms.build_model`)."""


PRESETS = {
    # results/ladder/: the 12 x 5 rollout learns where 8 x 16 stays uniform (more updates per
    # step), and at 500 steps a random agent's wins come from wandering less often than at 2000.
    "learns": Preset("A2C without CPC, 12 envs x 5-step rollouts, symbolic, 500-step episodes "
                     "(the setup that learned in results/ladder/)",
                     cpc=False, n_envs=12, a2c_rollout=5, max_episode_steps=500, obs="symbolic"),
    "cpc": Preset(f"A2C + CPC, 8 envs x 16-step rollouts, symbolic, {MAX_STEPS}-step episodes (the "
                  "defaults before presets)",
                  cpc=True, n_envs=8, a2c_rollout=A2C_ROLLOUT, max_episode_steps=MAX_STEPS,
                  obs="symbolic"),
    # njustesen/a2c_gvgai runs OpenAI baselines' A2C: these are SB3's A2C defaults except the
    # entropy (set for every a2c) and the optimizer, whose epsilon TensorFlow applies inside
    # the square root.
    "paper": Preset("the code of Justesen et al. 2018: A2C, 12 envs x 5-step rollouts, pixels "
                    "through the Nature CNN, no frame stacking, TensorFlow's RMSprop (lr 7e-4), "
                    "entropy 0.01, value 0.5, gradient clip 0.5, no CPC, "
                    f"{MAX_STEPS}-step episodes",
                    cpc=False, n_envs=12, a2c_rollout=5, max_episode_steps=MAX_STEPS, obs="pixels",
                    hyperparameters={"rmsprop_tf_like": True}),
}
DEFAULT_PRESET = "learns"


def option(help: str, **argparse_kwargs: Any) -> dict[str, Any]:
    """Field metadata: how ``gvgai train`` offers the field (``help`` and ``add_argument``
    keywords; ``positional=True`` for a positional argument)."""
    return {"help": help, **argparse_kwargs}


@dataclass
class TrainConfig:
    """Everything a training run depends on; written to the run's ``config.json``."""

    game: str | None = field(default=None, metadata=option(
        f"game to train on: {', '.join(GAMES)}", positional=True, nargs="?"))
    algo: str = field(default="a2c", metadata=option(f"RL algorithm: {' | '.join(ALGOS)}"))
    preset: str = field(default=DEFAULT_PRESET, metadata=option(
        "training setup, the defaults of --cpc, --n-envs, --n-steps (a2c), --obs and "
        "--max-episode-steps: " + "; ".join(f"{name}: {p.summary}"
                                            for name, p in PRESETS.items())))
    cpc: bool | None = field(default=None, metadata=option(
        "add the CPC auxiliary loss (a2c and dqn; default: the preset's)",
        action=argparse.BooleanOptionalAction))
    cpc_weight: float = field(default=1.0, metadata=option(
        "weight of the CPC loss added to the RL loss", type=float))
    cpc_horizons: int = field(default=4, metadata=option(
        "CPC predicts 1..K steps ahead; a2c rollouts need --n-steps > K", type=int))
    levels: str = field(default="0", metadata=option(
        "training levels: 0 | 0,1,2 | PATH (file or folder) | pcg:D | ppcg | plr"))
    eval_levels: list[str] | None = field(default=None, metadata=option(
        "held-out test sets evaluated every --eval-every steps (default: our levels not "
        "trained on, or all of them for generated training levels)", nargs="*"))
    obs: str | None = field(default=None, metadata=option(
        f"observation type: {' | '.join(OBS_TYPES)} (default: the preset's)"))
    steps: int = field(default=1_000_000, metadata=option(
        "environment steps in total (a resumed run counts the steps already done)", type=int))
    n_envs: int | None = field(default=None, metadata=option(
        "parallel environments (default: the preset's)", type=int))
    n_steps: int | None = field(default=None, metadata=option(
        "rollout length per environment for a2c/ppo (default: the preset's for a2c, 128 "
        "for ppo)",
        type=int))
    vec_env: str = field(default="subproc", metadata=option(
        "subproc: one process per environment; dummy: all in this process"))
    seed: int = field(default=0, metadata=option("random seed", type=int))
    logdir: str = field(default="runs", metadata=option("folder that receives run directories"))
    run_name: str | None = field(default=None, metadata=option(
        "name of the run directory in --logdir, a plain name without / (default: "
        "game-algo[-cpc]-levels-s<seed>-<time>); an existing one is never replaced"))
    checkpoint_every: int = field(default=50_000, metadata=option(
        "steps between checkpoints", type=int))
    eval_every: int = field(default=50_000, metadata=option(
        "steps between held-out evaluations (0: never)", type=int))
    eval_episodes: int = field(default=20, metadata=option(
        "episodes per test set in each held-out evaluation", type=int))
    max_episode_steps: int | None = field(default=None, metadata=option(
        f"steps before an episode is cut off (GVGAI-Gym: {MAX_STEPS}; default: the preset's)",
        type=int))
    torch_threads: int = field(default=1, metadata=option(
        "torch CPU threads (the environments use the other cores)", type=int))
    device: str = field(default="auto", metadata=option(DEVICE_HELP))

    def __post_init__(self) -> None:
        """Check the values and fill the derived defaults (one place for both)."""
        if self.game is None or self.game.lower() not in GAMES:
            raise ConfigError(f"unknown game {self.game!r} (known: {', '.join(GAMES)})")
        self.game = self.game.lower()
        if self.preset not in PRESETS:
            raise ConfigError(f"unknown --preset {self.preset!r} (known: {', '.join(PRESETS)})")
        self.fill_from_preset()
        for name, known in (("algo", ALGOS), ("obs", OBS_TYPES), ("vec_env", VEC_ENVS)):
            if getattr(self, name) not in known:
                raise ConfigError(f"unknown --{name.replace('_', '-')} {getattr(self, name)!r} "
                                  f"(known: {', '.join(known)})")
        check_device_name(self.device)
        if self.cpc and self.algo not in CPC_ALGOS:
            raise ConfigError(f"--cpc is available with {' and '.join(CPC_ALGOS)}, not {self.algo}")
        for name in ("steps", "n_envs", "checkpoint_every", "eval_episodes",
                     "max_episode_steps", "torch_threads", "cpc_horizons"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"--{name.replace('_', '-')} must be positive, "
                                  f"got {getattr(self, name)}")
        if self.eval_every < 0:
            raise ConfigError(f"--eval-every must be positive or 0, got {self.eval_every}")
        if self.cpc_weight < 0:
            raise ConfigError(f"--cpc-weight must be non-negative, got {self.cpc_weight}")
        if self.levels == "plr" and self.algo == "dqn":
            raise ConfigError("--levels plr scores levels by on-policy advantages: use a2c or ppo")
        if self.n_steps is not None and self.algo == "dqn":
            raise ConfigError("--n-steps is the rollout length of a2c and ppo, not dqn")
        if self.cpc and self.algo == "a2c" and self.n_steps <= self.cpc_horizons:
            raise ConfigError(f"--n-steps ({self.n_steps}) must exceed --cpc-horizons "
                              f"({self.cpc_horizons}) for CPC on a2c rollouts")
        if self.run_name is not None:
            # The run directory is logdir/run_name: a path here would put it elsewhere.
            check_plain_name(self.run_name, "--run-name")
        else:
            cpc = "-cpc" if self.cpc else ""
            levels = re.sub(r"[^\w.-]", "_", Path(self.levels).name or self.levels)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            self.run_name = f"{self.game}-{self.algo}{cpc}-{levels}-s{self.seed}-{stamp}"

    def fill_from_preset(self) -> None:
        """Give the options left out (None) the preset's values."""
        preset = PRESETS[self.preset]
        if self.cpc is None:
            self.cpc = preset.cpc and self.algo in CPC_ALGOS
        if self.obs is None:
            self.obs = preset.obs
        if self.n_envs is None:
            self.n_envs = preset.n_envs
        if self.max_episode_steps is None:
            self.max_episode_steps = preset.max_episode_steps
        if self.n_steps is None and self.algo == "a2c":
            self.n_steps = preset.a2c_rollout

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """The preset's constructor overrides for this run's algorithm."""
        return dict(PRESETS[self.preset].hyperparameters) if self.algo == "a2c" else {}

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        """One command-line option per field. Options the user leaves out are absent from the
        parsed namespace (``argparse.SUPPRESS``), so the dataclass defaults apply."""
        for f in fields(cls):
            kwargs = dict(f.metadata)
            if f.default is not None and "default" not in kwargs["help"]:
                kwargs["help"] += f" (default: {f.default})"
            if kwargs.pop("positional", False):
                parser.add_argument(f.name, default=argparse.SUPPRESS, **kwargs)
            else:
                parser.add_argument(f"--{f.name.replace('_', '-')}", default=argparse.SUPPRESS,
                                    **kwargs)


def check_device_name(name: str) -> None:
    """Refuse a ``--device`` that is none of auto, cpu, cuda and cuda:N (whether the device
    exists is checked where torch is imported: :func:`agents.algorithms.resolve_device`)."""
    if not DEVICE_NAME.fullmatch(name):
        raise ConfigError(f"unknown --device {name!r} (known: auto, cpu, cuda, cuda:N)")


def run_info(config: TrainConfig, device: str) -> dict[str, Any]:
    """``config.json``: the configuration, the torch ``device`` that ``config.device``
    resolved to, and what else reproducing the run needs."""
    versions = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return {"config": asdict(config), "device": device, "versions": versions, "git": git_state(),
            "command": sys.argv, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


def git_state() -> dict[str, Any] | None:
    """Commit and dirtiness of the checkout this package runs from, if it is one."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                                text=True, check=True, timeout=10).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain"], cwd=here, capture_output=True,
                                text=True, check=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": bool(status.strip())}
