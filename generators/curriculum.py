"""Curricula over generated levels: Progressive PCG and Prioritized Level Replay.

Both plug into stable-baselines3 through one callback, :class:`CurriculumCallback`, which hands
every step's ``infos`` and ``dones`` and every finished rollout to a :class:`Curriculum`; the
curriculum steers the level sources of all vectorized workers through ``VecEnv.env_method``.

* :class:`ProgressivePCG` (Justesen et al. 2018): one difficulty d for all workers, starting at
  0; every finished episode moves it by +alpha on a win and -alpha on a loss, clipped to
  [0, 1]. A timeout (truncation) counts as a loss unless ``timeout_is_win`` (the original code
  counted it as a win in every game but Boulderdash). The sources then generate at d or at
  U(0, d) (their ``mode``, see :mod:`generators.pcg`). Logs ``curriculum/difficulty``.
  :class:`ProgressivePCGWrapper` applies the same rule to a single gymnasium env.
* :class:`PrioritizedLevelReplay` (Jiang et al. 2021): a finite set of levels, each named by
  (seed, difficulty). A level's score is the mean |GAE advantage| over its last episode; the
  next level is an unseen one drawn uniformly, or, with probability equal to the fraction of
  levels seen, a seen one drawn from (1 - rho)·P_rank + rho·P_stale, where P_rank ∝
  (1/rank of score)^(1/temperature) and P_stale ∝ episodes since the level was last drawn.
  Needs an on-policy algorithm (it reads ``model.rollout_buffer``) and envs from
  :func:`generators.pcg.make_env` (it calls their ``queue_level``).

Vectorized envs reset a worker inside the same ``step`` that ends its episode, so a level can
only be chosen for the episode after next: PPCG's new difficulty applies from each worker's next
reset, and PLR keeps one level queued per worker (the first episode of each worker is the
source's own draw; give the source the same ``num_levels`` and difficulty so it is in the set).

A curriculum's state is plain JSON data (:meth:`Curriculum.state_dict`,
:func:`curriculum_from_state`), so that a checkpoint of it can be read without unpickling.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, Protocol

import gymnasium as gym
import numpy as np
from stable_baselines3.common.buffers import RolloutBuffer
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.vec_env import VecEnv

from gvgai_generators import canonical_difficulty, level_key

LevelKey = tuple[int, float]
"""(level seed, difficulty), as reported in ``info["level_seed"]`` and ``info["difficulty"]``."""


class EpisodeEnd(enum.Enum):
    """How an episode ended, as a curriculum counts it: won, lost, or cut off by the step
    limit."""

    WIN = "win"
    LOSS = "loss"
    TIMEOUT = "timeout"


def episode_end(info: dict[str, Any], truncated: bool) -> EpisodeEnd:
    """How an episode ended, from its last step's ``info`` (``won``) and truncation flag."""
    if info.get("won"):
        return EpisodeEnd.WIN
    return EpisodeEnd.TIMEOUT if truncated else EpisodeEnd.LOSS


class Curriculum(Protocol):
    """What :class:`CurriculumCallback` drives."""

    def start(self, env: VecEnv) -> None:
        """Training starts on ``env`` (already reset once)."""

    def on_step(self, env: VecEnv, infos: Sequence[dict[str, Any]], dones: np.ndarray) -> None:
        """One vectorized step: each worker's ``info`` and whether its episode ended."""

    def on_rollout_end(self, rollout_buffer: RolloutBuffer | None) -> None:
        """A rollout is complete, advantages included (``None`` for off-policy algorithms)."""

    def metrics(self) -> dict[str, float]:
        """Values to log, by name."""

    def state_dict(self) -> dict[str, Any]:
        """Everything a resumed run needs, as JSON values, with ``kind`` naming the class."""


def curriculum_from_state(state: dict[str, Any]) -> Curriculum:
    """The curriculum that :meth:`Curriculum.state_dict` described. Raises ValueError for a
    state that is not one (unknown ``kind``, missing or ill-typed values)."""
    kinds = {cls.KIND: cls for cls in (ProgressivePCG, PrioritizedLevelReplay)}
    if not isinstance(state, dict) or state.get("kind") not in kinds:
        raise ValueError(f"not a curriculum state (kind must be one of {', '.join(kinds)})")
    try:
        return kinds[state["kind"]].from_state(state)
    except (KeyError, TypeError) as err:
        raise ValueError(f"bad {state['kind']} curriculum state ({type(err).__name__}: {err})") \
            from None


class CurriculumCallback(BaseCallback):
    """Runs a :class:`Curriculum` inside ``model.learn`` and logs its metrics after every
    rollout."""

    def __init__(self, curriculum: Curriculum, verbose: int = 0) -> None:
        super().__init__(verbose)
        self.curriculum = curriculum

    def _on_training_start(self) -> None:
        self.curriculum.start(self.training_env)

    def _on_step(self) -> bool:
        self.curriculum.on_step(self.training_env, self.locals["infos"], self.locals["dones"])
        return True

    def _on_rollout_end(self) -> None:
        self.curriculum.on_rollout_end(getattr(self.model, "rollout_buffer", None))
        for name, value in self.curriculum.metrics().items():
            self.logger.record(name, value)


# ------------------------------------------------------------------------- Progressive PCG
class ProgressivePCG:
    """The PPCG difficulty rule, and a :class:`Curriculum` that shares d across workers."""

    KIND = "ppcg"

    def __init__(
        self, alpha: float = 0.01, timeout_is_win: bool = False, difficulty: float = 0.0
    ) -> None:
        if not 0.0 < alpha <= 1.0:
            raise ValueError(f"alpha must be in (0, 1], got {alpha}")
        self.alpha = alpha
        self.timeout_is_win = timeout_is_win
        self.difficulty = canonical_difficulty(difficulty)

    def record(self, end: EpisodeEnd) -> float:
        """Move the difficulty after one episode; returns the new difficulty."""
        won = end is EpisodeEnd.WIN or (end is EpisodeEnd.TIMEOUT and self.timeout_is_win)
        step = self.alpha if won else -self.alpha
        self.difficulty = canonical_difficulty(min(max(self.difficulty + step, 0.0), 1.0))
        return self.difficulty

    def start(self, env: VecEnv) -> None:
        env.env_method("set_difficulty", self.difficulty)

    def on_step(self, env: VecEnv, infos: Sequence[dict[str, Any]], dones: np.ndarray) -> None:
        before = self.difficulty
        for info, done in zip(infos, dones, strict=True):
            if done:
                self.record(episode_end(info, info.get("TimeLimit.truncated", False)))
        if self.difficulty != before:
            env.env_method("set_difficulty", self.difficulty)

    def on_rollout_end(self, rollout_buffer: RolloutBuffer | None) -> None:
        """PPCG needs nothing from the rollout."""

    def metrics(self) -> dict[str, float]:
        return {"curriculum/difficulty": self.difficulty}

    def state_dict(self) -> dict[str, Any]:
        return {"kind": self.KIND, "alpha": self.alpha, "timeout_is_win": self.timeout_is_win,
                "difficulty": self.difficulty}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ProgressivePCG:
        return cls(_value(state["alpha"], float), _value(state["timeout_is_win"], bool),
                   _value(state["difficulty"], float))


class ProgressivePCGWrapper(gym.Wrapper):
    """PPCG on one env: after each episode, moves its level source's difficulty."""

    def __init__(self, env: gym.Env, curriculum: ProgressivePCG | None = None) -> None:
        super().__init__(env)
        self.curriculum = curriculum or ProgressivePCG()
        env.get_wrapper_attr("set_difficulty")(self.curriculum.difficulty)

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        if terminated or truncated:
            self.curriculum.record(episode_end(info, truncated and not terminated))
            self.env.get_wrapper_attr("set_difficulty")(self.curriculum.difficulty)
        return obs, reward, terminated, truncated, info


# -------------------------------------------------------------- Prioritized Level Replay
class PrioritizedLevelReplay:
    """PLR over ``num_levels`` seeds at each of ``difficulties`` (see the module docstring).

    Args:
        num_levels: level seeds ``0 .. num_levels - 1``.
        difficulties: the difficulties each seed is played at.
        temperature: beta of the rank prioritisation; lower is greedier.
        staleness: rho, the weight of the staleness distribution.
        seed: seeds the curriculum's own sampling.
    """

    KIND = "plr"

    def __init__(
        self,
        num_levels: int,
        difficulties: Sequence[float] = (1.0,),
        temperature: float = 0.1,
        staleness: float = 0.1,
        seed: int = 0,
    ) -> None:
        if num_levels < 1 or not difficulties:
            raise ValueError("PLR needs at least one seed and one difficulty")
        if temperature <= 0 or not 0.0 <= staleness <= 1.0:
            raise ValueError("temperature must be positive and staleness in [0, 1]")
        self.num_levels = num_levels
        self.difficulties = tuple(difficulties)
        self.levels: list[LevelKey] = [
            level_key(s, d) for d in difficulties for s in range(num_levels)
        ]
        self.index = {key: i for i, key in enumerate(self.levels)}
        self.temperature = temperature
        self.staleness = staleness
        self.rng = np.random.default_rng(seed)
        self.scores = np.zeros(len(self.levels))
        self.seen = np.zeros(len(self.levels), dtype=bool)
        self.last_drawn = np.zeros(len(self.levels), dtype=np.int64)
        self.draws = 0
        self._partial: list[tuple[float, int]] = []
        """Per worker: sum of |advantage| and steps of the episode in progress."""
        self._rollout: list[tuple[list[LevelKey | None], np.ndarray]] = []
        """Per step of the current rollout: each worker's level and done flag."""

    # ----------------------------------------------------------------- sampling and scores
    def replay_distribution(self) -> np.ndarray:
        """Probabilities of replaying each level (zero for unseen ones)."""
        seen = np.flatnonzero(self.seen)
        probs = np.zeros(len(self.levels))
        if not len(seen):
            return probs
        order = np.argsort(-self.scores[seen], kind="stable")
        ranks = np.empty(len(seen))
        ranks[order] = np.arange(1, len(seen) + 1)
        by_score = (1.0 / ranks) ** (1.0 / self.temperature)
        by_score /= by_score.sum()
        stale = (self.draws - self.last_drawn[seen]).astype(float)
        by_staleness = stale / stale.sum() if stale.sum() > 0 else np.full(len(seen), 1 / len(seen))
        probs[seen] = (1 - self.staleness) * by_score + self.staleness * by_staleness
        return probs

    def sample(self) -> LevelKey:
        """The next level to play: a replay with probability (fraction seen), else new."""
        unseen = np.flatnonzero(~self.seen)
        if not len(unseen) or self.rng.random() < self.seen.mean():
            i = int(self.rng.choice(len(self.levels), p=self.replay_distribution()))
        else:
            i = int(self.rng.choice(unseen))
        self.draws += 1
        self.last_drawn[i] = self.draws
        return self.levels[i]

    def update_score(self, key: LevelKey, score: float) -> None:
        """Set a level's score after an episode on it; levels outside the set are ignored."""
        i = self.index.get(key)
        if i is not None:
            self.scores[i] = score
            self.seen[i] = True

    # ------------------------------------------------------------------------ curriculum
    def start(self, env: VecEnv) -> None:
        self._partial = [(0.0, 0)] * env.num_envs
        self._rollout.clear()  # what a stopped run left half-recorded
        for worker in range(env.num_envs):
            self._queue_next(env, worker)

    def on_step(self, env: VecEnv, infos: Sequence[dict[str, Any]], dones: np.ndarray) -> None:
        keys = [_level_of(info) for info in infos]
        self._rollout.append((keys, np.asarray(dones, dtype=bool)))
        for worker, done in enumerate(dones):
            if done:
                self._queue_next(env, worker)

    def on_rollout_end(self, rollout_buffer: RolloutBuffer | None) -> None:
        if rollout_buffer is None:
            raise TypeError("Prioritized Level Replay needs an on-policy algorithm's rollouts")
        magnitudes = np.abs(rollout_buffer.advantages)[-len(self._rollout) :]
        for (keys, dones), row in zip(self._rollout, magnitudes, strict=True):
            for worker, (key, done) in enumerate(zip(keys, dones, strict=True)):
                total, steps = self._partial[worker]
                total, steps = total + float(row[worker]), steps + 1
                if done:
                    self.update_score(key, total / steps)
                    total, steps = 0.0, 0
                self._partial[worker] = (total, steps)
        self._rollout.clear()

    def metrics(self) -> dict[str, float]:
        seen = self.seen.any()
        return {
            "curriculum/seen_fraction": float(self.seen.mean()),
            "curriculum/mean_score": float(self.scores[self.seen].mean()) if seen else 0.0,
        }

    def state_dict(self) -> dict[str, Any]:
        """Settings, scores and the sampler's RNG; not the episodes in progress, which
        :meth:`start` forgets anyway."""
        return {"kind": self.KIND, "num_levels": self.num_levels,
                "difficulties": list(self.difficulties), "temperature": self.temperature,
                "staleness": self.staleness, "rng": self.rng.bit_generator.state,
                "scores": self.scores.tolist(), "seen": self.seen.tolist(),
                "last_drawn": self.last_drawn.tolist(), "draws": self.draws}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> PrioritizedLevelReplay:
        plr = cls(_value(state["num_levels"], int),
                  [_value(d, float) for d in state["difficulties"]],
                  _value(state["temperature"], float), _value(state["staleness"], float))
        plr.rng.bit_generator.state = state["rng"]
        for name, dtype in (("scores", float), ("seen", bool), ("last_drawn", np.int64)):
            values = np.asarray(state[name], dtype=dtype)
            if values.shape != (len(plr.levels),):
                raise ValueError(f"PLR state has {values.shape} {name} for {len(plr.levels)} "
                                 "levels")
            setattr(plr, name, values)
        plr.draws = _value(state["draws"], int)
        return plr

    def _queue_next(self, env: VecEnv, worker: int) -> None:
        env.env_method("queue_level", *self.sample(), indices=[worker])


def _value(value: Any, kind: type) -> Any:
    """``value``, a JSON value of type ``kind``: an int counts as a float, a bool as neither
    (JSON's true is Python's True, which is also an int)."""
    accepted = (int, float) if kind is float else kind
    if isinstance(value, bool) is not (kind is bool) or not isinstance(value, accepted):
        raise TypeError(f"expected {kind.__name__}, got {value!r}")
    return kind(value)


def _level_of(info: dict[str, Any]) -> LevelKey | None:
    seed, difficulty = info.get("level_seed"), info.get("difficulty")
    return None if seed is None or difficulty is None else level_key(seed, difficulty)
