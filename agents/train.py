"""Train an agent on a game's levels, logging to a run directory.

A run directory holds ``config.json`` (see :func:`agents.config.run_info`; each resume adds
an entry to its ``resumed`` list: the checkpoint, its step and the device used), ``tb/``
(TensorBoard events: SB3's own tags plus ``rollout/win_rate``, ``train/cpc_loss``,
``train/cpc_acc_k{k}``, ``eval/win_rate/<test set>``, ``eval/mean_score/<test set>``),
``checkpoints/step_<N>.zip`` (every ``checkpoint_every`` steps, with side files: see
:mod:`agents.checkpoints`) and ``model.zip``, the final model. :func:`resume` continues a run
from its newest checkpoint.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gymnasium as gym
import torch as th
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.logger import configure
from stable_baselines3.common.vec_env import DummyVecEnv, SubprocVecEnv, VecEnv

from gvgai_agents.algorithms import (
    ALGORITHMS,
    ModelFile,
    build_model,
    resolve_device,
    save_model,
)
from gvgai_agents.callbacks import (
    CheckpointUnitCallback,
    HeldOutWinRateCallback,
    PeriodicDumpCallback,
    StepProgressCallback,
    WinRateCallback,
)
from gvgai_agents.checkpoints import (
    check_side_files,
    latest_checkpoint,
    read_curriculum,
    read_replay_buffer,
    remove_temporaries,
)
from gvgai_agents.config import TrainConfig, run_info
from gvgai_agents.errors import ConfigError, ModelFileError
from gvgai_agents.evaluate import evaluate
from gvgai_agents.levels import (
    HUMAN,
    PLR_DIFFICULTY,
    PLR_LEVELS,
    PPCG,
    LevelSet,
    make_level_set_env,
    our_level,
    parse_level_set,
)
from gvgai_py.envs import OUR_LEVELS, builtin_level_path
from gvgai_py.files import save_atomically
from gvgai_py.outputs import OutputError
from gvgai_py.processes import become_helper, interrupts_held

if TYPE_CHECKING:
    from gvgai_generators.curriculum import Curriculum

CONFIG_FILE = "config.json"
FINAL_MODEL = "model.zip"
CHECKPOINTS = "checkpoints"
TENSORBOARD = "tb"
EVAL_SEED_OFFSET = 1_000_000
"""Held-out episodes use seeds from ``seed + EVAL_SEED_OFFSET``, apart from training seeds."""
FAST_START_METHOD = "fork" if sys.platform == "linux" else None
"""Start method of subprocess environments (None: SB3's choice)."""
LOG_EVERY_STEPS = 2048
"""About how often training writes to TensorBoard."""
LOG_EVERY_EPISODES = 10
"""How often SB3's off-policy loop writes to TensorBoard (with its timing figures)."""


@dataclass(frozen=True)
class Levels:
    """The level sets of a run and the observation grid that fits all of them."""

    train: LevelSet
    test: list[LevelSet]
    size: tuple[int, int]

    @classmethod
    def of(cls, config: TrainConfig) -> Levels:
        train = parse_level_set(config.game, config.levels, training=True)
        words = config.eval_levels if config.eval_levels is not None else default_test_sets(
            config.game, train)
        test = [parse_level_set(config.game, word, training=False) for word in words]
        sizes = [level_set.max_size(config.game) for level_set in [train, *test]]
        return cls(train, test, (max(r for r, _ in sizes), max(c for _, c in sizes)))


def default_test_sets(game: str, train: LevelSet) -> list[str]:
    """Our installed levels that training does not use, as one ``--levels`` word."""
    installed = [i for i in range(OUR_LEVELS) if builtin_level_path(game, i).is_file()]
    if not train.levels:  # generated training levels: all of ours are held out
        return [HUMAN] if len(installed) == OUR_LEVELS else []
    held_out = [str(i) for i in installed if our_level(game, i) not in train.levels]
    return [",".join(held_out)] if held_out else []


def make_training_env(config: TrainConfig, levels: Levels, seed: int) -> VecEnv:
    """``n_envs`` environments with a Monitor that records wins (``rollout/win_rate``)."""
    env_kwargs = {"game": config.game, "level_set": levels.train, "obs_type": config.obs,
                  "size": levels.size, "max_episode_steps": config.max_episode_steps}
    if config.vec_env == "dummy" or config.n_envs == 1:
        factory, vec_env_cls, vec_env_kwargs = make_level_set_env, DummyVecEnv, None
    else:
        # SB3 defaults to forkserver, whose workers import torch and SB3 afresh (seconds each
        # on a small machine); forked workers share this process's modules and never run torch.
        # A forked worker's parent is this process; a forkserver's child's is the forkserver.
        parent = os.getpid() if FAST_START_METHOD == "fork" else None
        factory = functools.partial(make_helper_env, parent)
        vec_env_cls = InterruptibleSubprocVecEnv
        vec_env_kwargs = {"start_method": FAST_START_METHOD}
    with interrupts_held():
        return make_vec_env(factory, config.n_envs, seed=seed, env_kwargs=env_kwargs,
                            vec_env_cls=vec_env_cls, vec_env_kwargs=vec_env_kwargs,
                            monitor_kwargs={"info_keywords": ("won",)})


def make_helper_env(parent: int | None, **env_kwargs: Any) -> gym.Env:
    """:func:`agents.levels.make_level_set_env` in a subprocess environment's worker, which
    first becomes a helper of the training process (``parent``): it ends with it, and leaves
    Ctrl-C to it (:func:`gvgai_py.processes.become_helper`)."""
    become_helper(parent)
    return make_level_set_env(**env_kwargs)


class InterruptibleSubprocVecEnv(SubprocVecEnv):
    """SB3's SubprocVecEnv, whose :meth:`close` also works after Ctrl-C stopped a step."""

    def close(self) -> None:
        if self.closed or not self.waiting:
            super().close()
            return
        # Ctrl-C stopped a step after some workers' replies were read: SB3 would wait for them
        # again, forever. The workers hold nothing to save, and their generator processes end
        # with them.
        for process in self.processes:
            process.kill()
            process.join()
        for remote in self.remotes:
            remote.close()
        self.closed = True


def check_environment(config: TrainConfig, levels: Levels) -> None:
    """Build and reset one environment, so that bad options fail before anything is written."""
    try:
        env = make_level_set_env(config.game, levels.train, config.obs, levels.size,
                                 config.max_episode_steps)
        env.reset(seed=config.seed)
        env.close()
    except (ValueError, TypeError) as err:
        raise ConfigError(str(err)) from None


def create_run_dir(config: TrainConfig) -> Path:
    """A new, empty run directory; an existing one is never reused."""
    run_dir = Path(config.logdir) / config.run_name
    if run_dir.exists():
        raise OutputError(f"run directory {run_dir} already exists (use --resume to continue it, "
                          "or another --run-name)")
    try:
        (run_dir / CHECKPOINTS).mkdir(parents=True)
    except OSError as err:
        raise OutputError(f"cannot create run directory {run_dir}: {err.strerror or err}") from None
    return run_dir


def write_config(run_dir: Path, info: dict[str, Any]) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(info, indent=2) + "\n")

    save_atomically(run_dir / CONFIG_FILE, write)


def new_model(config: TrainConfig, levels: Levels, env: VecEnv, seed: int) -> BaseAlgorithm:
    """An untrained model as configured, on the device ``config.device`` names, recording
    what evaluation needs to rebuild envs."""
    metadata = {"game": config.game, "obs_type": config.obs, "size": list(levels.size),
                "max_episode_steps": config.max_episode_steps}
    rollout = {} if config.n_steps is None else {"n_steps": config.n_steps}
    return build_model(config.algo, env, metadata, cpc=config.cpc, cpc_weight=config.cpc_weight,
                       cpc_horizons=config.cpc_horizons, seed=seed,
                       device=resolve_device(config.device), **config.hyperparameters, **rollout)


def train(config: TrainConfig) -> Path:
    """Train a new run as configured, saying where its run directory is as soon as it
    exists; returns the run directory."""
    levels = Levels.of(config)
    device = resolve_device(config.device)
    check_environment(config, levels)
    run_dir = create_run_dir(config)
    write_config(run_dir, run_info(config, str(device)))
    print(f"run directory: {run_dir}", flush=True)
    th.set_num_threads(config.torch_threads)
    env = make_training_env(config, levels, config.seed)
    try:
        learn(new_model(config, levels, env, config.seed), config, levels, run_dir)
    finally:
        env.close()
    return run_dir


def resume(run_dir: Path, steps: int | None = None, device: str = "auto") -> Path:
    """Continue ``run_dir`` from its newest checkpoint up to ``steps`` (default: the run's
    own total), on ``device`` (a ``--device`` name; not necessarily the one the run began
    on), with the model rebuilt from the run's configuration and the checkpoint's weights,
    progress, replay buffer and curriculum. Nothing is written before the checkpoint has
    loaded; the run directory and the checkpoint are named before training starts."""
    config_path = run_dir / CONFIG_FILE
    if not config_path.is_file():
        raise ModelFileError(f"{run_dir} is not a run directory (it has no {CONFIG_FILE})")
    try:
        info = json.loads(config_path.read_text())
        # A config.json without a preset was written before presets, with their defaults.
        config = TrainConfig(**{"preset": "cpc", **info["config"]})
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ModelFileError(f"{config_path} is unreadable ({type(err).__name__}: {err})") from None
    if steps is not None:
        config = replace(config, steps=steps)
    config = replace(config, device=device)
    resolved = resolve_device(device)
    checkpoint = latest_checkpoint(run_dir / CHECKPOINTS)
    if checkpoint is None:
        raise ModelFileError(f"no checkpoint to resume from in {run_dir / CHECKPOINTS}")
    levels = Levels.of(config)
    saved = ModelFile.read(checkpoint)
    if saved.num_timesteps >= config.steps:
        raise ConfigError(f"{checkpoint.name} already has {saved.num_timesteps} of "
                          f"{config.steps} steps; pass a larger --steps to train further")
    off_policy = not ALGORITHMS[config.algo].on_policy
    check_side_files(checkpoint, replay_buffer=off_policy,
                     curriculum=bool(levels.train.curriculum))
    curriculum = read_curriculum(checkpoint) if levels.train.curriculum else None
    th.set_num_threads(config.torch_threads)
    # Fresh episode seeds, so the resumed run does not replay the episodes it began with.
    seed = config.seed + saved.num_timesteps
    env = make_training_env(config, levels, seed)
    try:
        model = new_model(config, levels, env, seed)
        saved.restore(model)
        if off_policy:
            read_replay_buffer(checkpoint, model.replay_buffer)
        for directory in (run_dir, run_dir / CHECKPOINTS):
            remove_temporaries(directory)
        info["config"] = asdict(config)
        info.setdefault("resumed", []).append(
            {"from_checkpoint": checkpoint.name, "step": model.num_timesteps,
             "device": str(resolved)})
        write_config(run_dir, info)
        print(f"run directory: {run_dir} (resumed from {checkpoint.name})", flush=True)
        learn(model, config, levels, run_dir, curriculum)
    finally:
        env.close()
    return run_dir


def learn(model: BaseAlgorithm, config: TrainConfig, levels: Levels, run_dir: Path,
          curriculum: Curriculum | None = None) -> None:
    """Train ``model`` up to ``config.steps`` steps with logging, checkpoints and evaluation;
    ``curriculum``: one restored from a checkpoint (else a new one, if the levels need it)."""
    model.set_logger(configure(str(run_dir / TENSORBOARD), ["tensorboard"]))
    if levels.train.curriculum and curriculum is None:
        curriculum = new_curriculum(levels.train.curriculum, config.seed)
    checkpoints = CheckpointUnitCallback(run_dir / CHECKPOINTS, config.checkpoint_every,
                                         curriculum)
    progress = StepProgressCallback(config.steps, curriculum)
    callbacks: list[BaseCallback] = [WinRateCallback(), checkpoints, progress]
    if curriculum is not None:
        from gvgai_generators.curriculum import CurriculumCallback

        callbacks.append(CurriculumCallback(curriculum))
    if config.eval_every and levels.test:
        callbacks.append(HeldOutWinRateCallback(lambda m: evaluate_held_out(m, config, levels),
                                                config.eval_every))
    if ALGORITHMS[config.algo].on_policy:  # SB3 counts rollouts
        log_interval = max(1, LOG_EVERY_STEPS // (config.n_envs * model.n_steps))
    else:  # SB3 counts episodes
        log_interval = LOG_EVERY_EPISODES
        callbacks.append(PeriodicDumpCallback(LOG_EVERY_STEPS))
    try:
        model.learn(config.steps - model.num_timesteps, callback=callbacks,
                    log_interval=log_interval, reset_num_timesteps=False)
    except KeyboardInterrupt:
        progress.close()
        newest = latest_checkpoint(run_dir / CHECKPOINTS)
        resume = (f"gvgai train --resume {run_dir} continues from {newest.name}" if newest
                  else "no checkpoint was written yet")
        # Said in the command's one line about the interruption (gvgai_py.cli).
        raise KeyboardInterrupt(f"stopped at step {model.num_timesteps}; {resume}") from None
    model.logger.dump(model.num_timesteps)
    checkpoints.save()
    save_model(model, run_dir / FINAL_MODEL)


def new_curriculum(name: str, seed: int) -> Curriculum:
    """PPCG (Justesen et al.'s step 0.01 per episode, from difficulty 0) or PLR over the same
    level set that :meth:`agents.levels.LevelSet.level_source` draws from."""
    from gvgai_generators.curriculum import PrioritizedLevelReplay, ProgressivePCG

    if name == PPCG:
        return ProgressivePCG()
    return PrioritizedLevelReplay(PLR_LEVELS, difficulties=(PLR_DIFFICULTY,), seed=seed)


def evaluate_held_out(model: BaseAlgorithm, config: TrainConfig,
                      levels: Levels) -> dict[str, tuple[float, float]]:
    results = evaluate(model, levels.test, config.eval_episodes,
                       seed=config.seed + EVAL_SEED_OFFSET)
    return {r.name: (r.win_rate, r.mean_score) for r in results}
