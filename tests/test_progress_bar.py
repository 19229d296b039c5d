"""The training progress bar shows what is rising while it rises: the win rate and, under a
curriculum, its metrics (PPCG's difficulty)."""

from types import SimpleNamespace

from gvgai_agents.callbacks import StepProgressCallback
from gvgai_generators.curriculum import ProgressivePCG


def bar_after_a_rollout(curriculum):
    callback = StepProgressCallback(1000, curriculum)
    callback.model = SimpleNamespace(ep_info_buffer=[{"won": True}, {"won": False}],
                                     num_timesteps=0)
    callback._on_training_start()
    callback.on_rollout_end()
    postfix = callback.bar.postfix
    callback.close()
    return postfix


def test_the_bar_shows_the_win_rate_and_the_curriculum_difficulty():
    curriculum = ProgressivePCG()
    curriculum.difficulty = 0.37
    assert bar_after_a_rollout(curriculum) == "win_rate=0.50, difficulty=0.37"
    assert bar_after_a_rollout(None) == "win_rate=0.50"
