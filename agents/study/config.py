"""What a study is: its training conditions, its settings (:class:`StudyConfig`) and its runs
(:class:`Run`, one condition with one seed)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from gvgai_agents.config import (
    ALGOS,
    CPC_ALGOS,
    DEFAULT_PRESET,
    PRESETS,
    TrainConfig,
    check_device_name,
)
from gvgai_agents.errors import ConfigError
from gvgai_agents.levels import is_generated, require_generators
from gvgai_py import GAMES, GENERATED_GAMES

RUNS = "runs"
"""The folder of ``out`` that holds the runs."""
CPC_SUFFIXES = {"+cpc": True, "+nocpc": False}
SMOKE_BUDGET = {"steps": 256, "n_envs": 2, "episodes": 3, "test_levels": 2,
                "max_episode_steps": 50, "checkpoint_every": 256, "eval_episodes": 2}
"""What ``--smoke`` changes: a study that runs end to end in seconds per run."""
TEST_DIFFICULTIES = (0.5, 1.0)
"""Difficulties of the generated test sets of a game with a level generator, by default."""
LOCAL_RAY = "local"
"""``ray``'s value for a Ray started by the study on this machine (what ``ray.init`` calls
such an address too)."""


@dataclass(frozen=True)
class Condition:
    """One training condition: a level set and whether CPC is on."""

    levels: str
    """A ``gvgai train --levels`` word."""
    cpc: bool | None
    """CPC for this condition; None until resolved against the study's default."""
    label: str
    """How reports name it: the condition as written (``ppcg+nocpc``)."""

    @property
    def directory(self) -> str:
        """Its folder under ``runs/``: the level word and the resolved CPC setting, so that a
        study with another ``--cpc`` default never mistakes these runs for its own."""
        name = f"{self.levels.replace(',', '+')}+{'cpc' if self.cpc else 'nocpc'}"
        return re.sub(r"[^\w.+-]", "_", name)


def parse_conditions(text: str) -> list[Condition]:
    """The conditions of a ``--conditions`` value (see :mod:`gvgai_agents.study`)."""
    conditions = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            raise ConfigError(f"--conditions {text!r}: empty condition")
        levels, cpc = part, None
        for suffix, value in CPC_SUFFIXES.items():
            if part.endswith(suffix):
                levels, cpc = part[: -len(suffix)], value
        if re.fullmatch(r"\d+(\+\d+)*", levels):
            levels = levels.replace("+", ",")
        conditions.append(Condition(levels, cpc, part))
    return conditions


@dataclass
class StudyConfig:
    """Everything a study depends on; ``--smoke`` replaces the budgets by
    :data:`SMOKE_BUDGET`."""

    game: str
    """Game to study."""
    conditions: list[Condition]
    """Training conditions (:func:`parse_conditions`)."""
    out: Path
    """Folder that receives everything (see :mod:`gvgai_agents.study`)."""
    algo: str = "a2c"
    """RL algorithm of every run."""
    preset: str = DEFAULT_PRESET
    """Training setup of every run (:data:`gvgai_agents.config.PRESETS`): the defaults of
    ``cpc``, ``n_envs`` and ``max_episode_steps``, and the rollout and observations."""
    cpc: bool | None = None
    """CPC for conditions without a ``+cpc``/``+nocpc`` suffix (None: the preset's, for a2c
    and dqn)."""
    steps: int = 500_000
    """Environment steps per run."""
    seeds: int = 3
    """Runs per condition, with seeds 0 .. seeds - 1."""
    jobs: int = 1
    """Runs trained and evaluated at once, each in its own process (with ``ray``: on a Ray
    the study starts, which gets ``jobs x cpus_per_run`` CPUs)."""
    n_envs: int | None = None
    """Parallel environments per run (None: the preset's)."""
    vec_env: str = "dummy"
    """``dummy`` (all of a run's environments in its process; ``jobs`` gives the parallelism)
    or ``subproc``."""
    episodes: int = 100
    """Episodes per test set for each model (levels of a set are played in turn)."""
    test_levels: int = 100
    """Generated levels per test difficulty."""
    test_difficulties: tuple[float, ...] | None = None
    """Difficulties of the generated test sets (None: :data:`TEST_DIFFICULTIES` for a game
    with a level generator, none for the others, whose test sets are our levels and
    ``extra_test_levels``)."""
    extra_test_levels: Path | None = None
    """A folder of further test levels (the game's ones, see
    :func:`agents.level_map.game_level_files`), a test set named after the folder."""
    extra_test_name: str | None = None
    """The name of the ``extra_test_levels`` set in reports, instead of the folder's."""
    max_episode_steps: int | None = None
    """Steps before an episode is cut off, in training and evaluation (None: the preset's)."""
    checkpoint_every: int = 50_000
    """Steps between checkpoints: how much an interruption can cost a run."""
    eval_every: int | None = None
    """Steps between a run's evaluations on every test set while it trains, the held-out
    curves (None: a tenth of ``steps``; 0: none)."""
    eval_episodes: int = 10
    """Episodes per test set in each of those evaluations."""
    device: str = "auto"
    """Torch device of every run (``auto``: CUDA when the run's process sees a GPU)."""
    cpus_per_run: float = 1.0
    """CPUs each run may use: its torch threads (and, on Ray, the CPUs its task reserves)."""
    gpus_per_run: float = 0.0
    """GPUs each Ray task reserves (a fraction shares one GPU among runs)."""
    ray: str | None = None
    """None: runs in local processes; :data:`LOCAL_RAY`: on a Ray started here; else the
    address of a Ray cluster to run them on."""
    smoke: bool = False
    """Tiny budgets (:data:`SMOKE_BUDGET`), to check the whole pipeline in seconds."""
    default_cpc: bool = field(init=False)
    """The resolved CPC setting for conditions without a suffix."""

    def __post_init__(self) -> None:
        """Check the values, apply ``smoke`` and resolve each condition's CPC (one place)."""
        self.game = self.game.lower()
        if self.game not in GAMES:
            raise ConfigError(f"unknown game {self.game!r} (known: {', '.join(GAMES)})")
        if self.algo not in ALGOS:
            raise ConfigError(f"unknown --algo {self.algo!r} (known: {', '.join(ALGOS)})")
        check_device_name(self.device)
        if self.preset not in PRESETS:
            raise ConfigError(f"unknown --preset {self.preset!r} (known: {', '.join(PRESETS)})")
        preset = PRESETS[self.preset]
        if self.n_envs is None:
            self.n_envs = preset.n_envs
        if self.max_episode_steps is None:
            self.max_episode_steps = preset.max_episode_steps
        if self.smoke:
            for name, value in SMOKE_BUDGET.items():
                setattr(self, name, value)
        if self.eval_every is None:
            self.eval_every = self.steps // 10
        if self.eval_every < 0:
            raise ConfigError(f"--eval-every must be positive or 0, got {self.eval_every}")
        for name in ("steps", "seeds", "jobs", "n_envs", "episodes", "test_levels",
                     "max_episode_steps", "checkpoint_every", "cpus_per_run", "eval_episodes"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"--{name.replace('_', '-')} must be positive, "
                                  f"got {getattr(self, name)}")
        if self.gpus_per_run < 0:
            raise ConfigError(f"--gpus-per-run must be 0 or more, got {self.gpus_per_run}")
        if self.gpus_per_run and self.ray is None:
            raise ConfigError("--gpus-per-run reserves GPUs on Ray: add --ray (local runs use "
                              "--device)")
        self._check_generated()
        if not all(0.0 <= d <= 1.0 for d in self.test_difficulties):
            raise ConfigError(f"--test-difficulties must lie in [0, 1], "
                              f"got {self.test_difficulties}")
        self.default_cpc = (preset.cpc and self.algo in CPC_ALGOS) if self.cpc is None \
            else self.cpc
        resolved = [Condition(c.levels, self.default_cpc if c.cpc is None else c.cpc, c.label)
                    for c in self.conditions]
        folders = [c.directory for c in resolved]
        for condition, folder in zip(resolved, folders, strict=True):
            if folders.count(folder) > 1:
                raise ConfigError(f"--conditions: {condition.label!r} names the same runs as "
                                  "another condition")
        self.conditions = resolved

    def _check_generated(self) -> None:
        """Resolve ``test_difficulties``; refuse generated levels (test sets, conditions) for
        a game without a level generator, before the study claims its folder."""
        generated = self.game in GENERATED_GAMES
        if self.test_difficulties is None:
            self.test_difficulties = TEST_DIFFICULTIES if generated else ()
        elif self.test_difficulties and not generated:
            raise ConfigError(f"--test-difficulties: {self.game} has no level generator, so "
                              "its test sets are our levels and --extra-test-levels")
        for condition in self.conditions:
            if is_generated(condition.levels):
                require_generators(self.game, condition.levels, "--conditions")

    def run(self, condition: Condition, seed: int, test_words: list[str]) -> Run:
        """The training run of ``condition`` with ``seed``, evaluated while it trains on the
        ``--levels`` words ``test_words`` (its grid fits their levels)."""
        return Run(condition, seed, TrainConfig(
            game=self.game, algo=self.algo, preset=self.preset, cpc=condition.cpc,
            levels=condition.levels,
            # Sized to fit the test sets, and evaluated on them while training.
            eval_levels=test_words, eval_every=self.eval_every,
            eval_episodes=self.eval_episodes,
            steps=self.steps, n_envs=self.n_envs, vec_env=self.vec_env, seed=seed,
            logdir=str(self.out / RUNS / condition.directory), run_name=f"s{seed}",
            checkpoint_every=self.checkpoint_every, max_episode_steps=self.max_episode_steps,
            # The update's threads fill the run's CPUs (the environments step between
            # updates, in this process with dummy); n_envs is not sized to them, as it is a
            # training setting that the results depend on.
            torch_threads=max(1, math.floor(self.cpus_per_run)), device=self.device,
        ))


@dataclass(frozen=True)
class Run:
    """One training run of the study: a condition and a seed."""

    condition: Condition
    seed: int
    config: TrainConfig

    @property
    def directory(self) -> Path:
        return Path(self.config.logdir) / self.config.run_name

    @property
    def log(self) -> Path:
        return Path(self.config.logdir) / f"{self.config.run_name}.log"
