"""Training callbacks: win rate, checkpoints, held-out evaluation, a progress bar."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.callbacks import BaseCallback
from tqdm import tqdm

from gvgai_agents.checkpoints import write_checkpoint

if TYPE_CHECKING:
    from gvgai_generators.curriculum import Curriculum


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


class CheckpointUnitCallback(BaseCallback):
    """Every ``every`` steps, save a checkpoint with the curriculum, if any (see
    :mod:`agents.checkpoints`)."""

    def __init__(self, directory: Path, every: int, curriculum: Curriculum | None = None) -> None:
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
        path = write_checkpoint(self.directory, self.model, self.curriculum)
        self._last_saved = self.num_timesteps
        return path


class HeldOutWinRateCallback(BaseCallback):
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


class StepProgressCallback(BaseCallback):
    """A tqdm bar over environment steps, showing the training win rate and, with a
    ``curriculum``, its current metrics (PPCG's difficulty), so that progress shows while it
    happens."""

    def __init__(self, total_steps: int, curriculum: Curriculum | None = None) -> None:
        super().__init__()
        self.total_steps = total_steps
        self.curriculum = curriculum
        self.bar: tqdm | None = None

    def _on_training_start(self) -> None:
        self.bar = tqdm(total=self.total_steps, initial=self.num_timesteps, unit="step",
                        dynamic_ncols=True, smoothing=0.05)

    def _on_step(self) -> bool:
        self.bar.update(self.num_timesteps - self.bar.n)
        return True

    def _on_rollout_end(self) -> None:
        postfix = {}
        rate = win_rate(self.model)
        if rate is not None:
            postfix["win_rate"] = f"{rate:.2f}"
        if self.curriculum is not None:
            postfix.update({name.rsplit("/", 1)[-1]: f"{value:.2f}"
                            for name, value in self.curriculum.metrics().items()})
        if postfix:
            self.bar.set_postfix(postfix, refresh=False)

    def _on_training_end(self) -> None:
        self.close()

    def close(self) -> None:
        """End the bar's line (also when training stops early)."""
        if self.bar is not None:
            self.bar.close()
