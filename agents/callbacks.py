"""Training callbacks: win rate, atomic checkpoints, held-out evaluation, a progress bar."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback
from tqdm import tqdm

from gvgai_py.files import save_atomically

CHECKPOINT_GLOB = "step_*.zip"
REPLAY_BUFFER_SUFFIX = ".replay.pkl"
CURRICULUM_SUFFIX = ".curriculum.pkl"


def win_rate(model: BaseAlgorithm) -> float | None:
    """Share of wins among the last episodes (SB3's ``ep_info_buffer``, 100 episodes), or None
    before any episode ended. Needs ``Monitor(info_keywords=("won",))``."""
    if not model.ep_info_buffer:
        return None
    return float(np.mean([episode["won"] for episode in model.ep_info_buffer]))


class WinRateCallback(BaseCallback):
    """Logs ``rollout/win_rate`` next to SB3's ``rollout/ep_rew_mean``."""

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        rate = win_rate(self.model)
        if rate is not None:
            self.logger.record("rollout/win_rate", rate)


class PeriodicDumpCallback(BaseCallback):
    """Writes the logged values every ``every`` steps. SB3's off-policy loop writes them only
    every ``log_interval`` episodes, which leaves long gaps when episodes last 2000 steps."""

    def __init__(self, every: int) -> None:
        super().__init__()
        self.every = every
        self._last_dumped = 0

    def _on_training_start(self) -> None:
        self._last_dumped = self.num_timesteps

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        if self.num_timesteps - self._last_dumped >= self.every:
            self.logger.dump(self.num_timesteps)
            self._last_dumped = self.num_timesteps


def checkpoint_path(directory: Path, step: int) -> Path:
    return directory / f"step_{step:012d}.zip"


def latest_checkpoint(directory: Path) -> Path | None:
    """The checkpoint with the highest step count (zero-padded names sort by step)."""
    found = sorted(directory.glob(CHECKPOINT_GLOB))
    return found[-1] if found else None


def save_model(model: BaseAlgorithm, path: Path) -> None:
    """Atomically save ``model`` to ``path`` (SB3 would add ``.zip`` to a name without it)."""
    save_atomically(path, lambda tmp: _dump_to(tmp, model.save))


class CheckpointCallback(BaseCallback):
    """Every ``every`` steps, save ``checkpoints/step_<N>.zip`` atomically.

    Training state outside the model is saved first, beside the newest checkpoint only (older
    copies are removed), so that a resumed run carries on where it stopped: an off-policy
    model's replay buffer (``step_<N>.replay.pkl``) and the curriculum, if any
    (``step_<N>.curriculum.pkl``, a pickle of the curriculum object).
    """

    def __init__(self, directory: Path, every: int, curriculum: object | None = None) -> None:
        super().__init__()
        self.directory = directory
        self.every = every
        self.curriculum = curriculum
        self._last_saved = 0

    def _on_training_start(self) -> None:
        self._last_saved = self.num_timesteps

    def _on_step(self) -> bool:
        if self.num_timesteps - self._last_saved >= self.every:
            self.save()
        return True

    def save(self) -> Path:
        path = checkpoint_path(self.directory, self.num_timesteps)
        side_files = {}
        if getattr(self.model, "replay_buffer", None) is not None:
            side_files[REPLAY_BUFFER_SUFFIX] = self.model.save_replay_buffer
        if self.curriculum is not None:
            side_files[CURRICULUM_SUFFIX] = lambda file: pickle.dump(self.curriculum, file)
        for suffix, dump in side_files.items():
            side_path = path.with_suffix(suffix)
            save_atomically(side_path, lambda tmp, dump=dump: _dump_to(tmp, dump))
            for older in self.directory.glob(f"*{suffix}"):
                if older != side_path:
                    older.unlink()
        save_model(self.model, path)
        self._last_saved = self.num_timesteps
        return path


def _dump_to(path: Path, dump: Callable[[BinaryIO], None]) -> None:
    with open(path, "wb") as file:
        dump(file)


class EvalCallback(BaseCallback):
    """Every ``every`` steps, ``evaluate(model)`` returns ``{test set name: (win rate, mean
    score)}``, logged as ``eval/win_rate/<name>`` and ``eval/mean_score/<name>``."""

    def __init__(self, evaluate: Callable[[BaseAlgorithm], dict[str, tuple[float, float]]],
                 every: int) -> None:
        super().__init__()
        self.evaluate = evaluate
        self.every = every
        self._last_evaluated = 0
        self.latest: dict[str, tuple[float, float]] = {}

    def _on_training_start(self) -> None:
        self._last_evaluated = self.num_timesteps

    def _on_step(self) -> bool:
        if self.num_timesteps - self._last_evaluated >= self.every:
            self.latest = self.evaluate(self.model)
            for name, (rate, score) in self.latest.items():
                self.logger.record(f"eval/win_rate/{name}", rate)
                self.logger.record(f"eval/mean_score/{name}", score)
            self.logger.dump(self.num_timesteps)
            self._last_evaluated = self.num_timesteps
        return True


class ProgressBarCallback(BaseCallback):
    """A tqdm bar over environment steps, showing the training win rate."""

    def __init__(self, total_steps: int) -> None:
        super().__init__()
        self.total_steps = total_steps
        self.bar: tqdm | None = None

    def _on_training_start(self) -> None:
        self.bar = tqdm(total=self.total_steps, initial=self.num_timesteps, unit="step",
                        dynamic_ncols=True, smoothing=0.05)

    def _on_step(self) -> bool:
        self.bar.update(self.num_timesteps - self.bar.n)
        return True

    def _on_rollout_end(self) -> None:
        rate = win_rate(self.model)
        if rate is not None:
            self.bar.set_postfix(win_rate=f"{rate:.2f}", refresh=False)

    def _on_training_end(self) -> None:
        self.close()

    def close(self) -> None:
        """End the bar's line (also when training stops early)."""
        if self.bar is not None:
            self.bar.close()
