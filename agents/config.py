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

from gvgai_py import GAMES
from gvgai_py.cli import CLIError
from gvgai_py.outputs import check_plain_name

ALGOS = ("a2c", "dqn", "ppo")
CPC_ALGOS = ("a2c", "dqn")
A2C_ROLLOUT = 16
"""Default rollout length of a2c: long enough for CPC to predict several steps ahead."""
OBS_TYPES = ("symbolic", "pixels")
VEC_ENVS = ("subproc", "dummy")
DEVICE_HELP = ("torch device: auto (CUDA when torch sees a GPU, else the CPU) | cpu | cuda | "
               "cuda:N")
DEVICE_NAME = re.compile(r"auto|cpu|cuda(:\d+)?")
PACKAGES = ("gvgai_py", "torch", "stable_baselines3", "gymnasium", "numpy")


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
    cpc: bool | None = field(default=None, metadata=option(
        "add the CPC auxiliary loss (default: on for a2c and dqn, unavailable for ppo)",
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
    obs: str = field(default="symbolic", metadata=option(
        f"observation type: {' | '.join(OBS_TYPES)}"))
    steps: int = field(default=1_000_000, metadata=option(
        "environment steps in total (a resumed run counts the steps already done)", type=int))
    n_envs: int = field(default=8, metadata=option("parallel environments", type=int))
    n_steps: int | None = field(default=None, metadata=option(
        f"rollout length per environment for a2c/ppo (default {A2C_ROLLOUT} for a2c, 128 "
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
    max_episode_steps: int = field(default=2000, metadata=option(
        "steps before an episode is cut off (GVGAI-Gym: 2000)", type=int))
    torch_threads: int = field(default=1, metadata=option(
        "torch CPU threads (the environments use the other cores)", type=int))
    device: str = field(default="auto", metadata=option(DEVICE_HELP))

    def __post_init__(self) -> None:
        """Check the values and fill the derived defaults (one place for both)."""
        if self.game is None or self.game.lower() not in GAMES:
            raise CLIError(f"unknown game {self.game!r} (known: {', '.join(GAMES)})")
        self.game = self.game.lower()
        for name, known in (("algo", ALGOS), ("obs", OBS_TYPES), ("vec_env", VEC_ENVS)):
            if getattr(self, name) not in known:
                raise CLIError(f"unknown --{name.replace('_', '-')} {getattr(self, name)!r} "
                               f"(known: {', '.join(known)})")
        check_device_name(self.device)
        if self.cpc is None:
            self.cpc = self.algo in CPC_ALGOS
        if self.cpc and self.algo not in CPC_ALGOS:
            raise CLIError(f"--cpc is available with {' and '.join(CPC_ALGOS)}, not {self.algo}")
        for name in ("steps", "n_envs", "checkpoint_every", "eval_episodes",
                     "max_episode_steps", "torch_threads", "cpc_horizons"):
            if getattr(self, name) <= 0:
                raise CLIError(f"--{name.replace('_', '-')} must be positive, "
                               f"got {getattr(self, name)}")
        if self.eval_every < 0:
            raise CLIError(f"--eval-every must be positive or 0, got {self.eval_every}")
        if self.cpc_weight < 0:
            raise CLIError(f"--cpc-weight must be non-negative, got {self.cpc_weight}")
        if self.levels == "plr" and self.algo == "dqn":
            raise CLIError("--levels plr scores levels by on-policy advantages: use a2c or ppo")
        if self.n_steps is not None and self.algo == "dqn":
            raise CLIError("--n-steps is the rollout length of a2c and ppo, not dqn")
        rollout = self.n_steps or A2C_ROLLOUT
        if self.cpc and self.algo == "a2c" and rollout <= self.cpc_horizons:
            raise CLIError(f"--n-steps ({rollout}) must exceed --cpc-horizons "
                           f"({self.cpc_horizons}) for CPC on a2c rollouts")
        if self.run_name is not None:
            # The run directory is logdir/run_name: a path here would put it elsewhere.
            check_plain_name(self.run_name, "--run-name")
        else:
            cpc = "-cpc" if self.cpc else ""
            levels = re.sub(r"[^\w.-]", "_", Path(self.levels).name or self.levels)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            self.run_name = f"{self.game}-{self.algo}{cpc}-{levels}-s{self.seed}-{stamp}"

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
        raise CLIError(f"unknown --device {name!r} (known: auto, cpu, cuda, cuda:N)")


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
