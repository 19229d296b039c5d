"""The ``pcg`` level source: a fresh verified generated level at every reset.

``gymnasium.make("gvgai/Zelda-v0", level="pcg", difficulty=0.5)`` builds a
:class:`PCGLevelSource` for the game (through the ``gvgai_py.level_sources`` entry point) and
the environment calls it with its own generator at every reset. Keyword arguments after
``level="pcg"`` go to the source:

* ``difficulty`` (default 0): the current difficulty d in [0, 1]; curricula move it with
  ``env.set_difficulty(d)`` (``VecEnv.env_method("set_difficulty", d)``).
* ``mode``: ``"exact"`` (default) generates at d, ``"uniform"`` at a difficulty drawn from
  U(0, d) per level (Justesen et al.'s two PPCG variants).
* ``num_levels``: draw level seeds from ``range(num_levels)`` (a fixed training set, as in
  Procgen) instead of from ``range(SEED_SPACE)``.
* ``prefetch`` (default :data:`PREFETCH`, 2; ``gvgai train --levels pcg:D`` uses
  :data:`PREFETCH_FIXED`): keep this many levels on their way (:mod:`generators.prefetch`),
  verified one after the other by a child process at the lowest CPU priority
  (:mod:`generators.generator_process`); 0 checks each level at its reset, in the
  environment's own process. Checking a level can take from milliseconds (easy Frogs) to far
  longer (hard Boulderdash), and a reset in one vectorized worker stalls every worker's step.
  The child works in the CPU time that training leaves idle, or, when a reset has to wait for
  it, in the time that the waiting frees; a thread in the environment's process would hold its
  interpreter lock and stall its steps instead. ``scripts/bench_generators.py`` measures how
  much generating slows training (docs/benchmarks.md, "How much level supply slows
  training").

Prefetching keeps Gymnasium's contract. The level a reset plays is named by that reset's
draw from the env's generator (a seed and, in ``"uniform"`` mode, the fraction of d to
generate at) and by the difficulty at that reset, whatever the source did before: the same
``reset(seed=s)`` plays the same level at any ``prefetch``, and ``set_difficulty`` applies
from the next reset. The source predicts the coming resets' draws from a copy of the env's
generator (:func:`gvgai_py.envs.next_reset_rng`) and has their levels checked ahead at the
current difficulty; a difficulty change, or a reset the prediction missed (a new seed),
drops the levels prefetched and starts the right ones, which cost nothing when the child has
made them before (it caches them, see below).

The observation size is the generator's ``MAX_SIZE``; smaller levels are padded by the env.
``info`` carries ``difficulty`` and ``level_seed``, which name the level being played: the same
pair always regenerates it (:func:`generators.generate_verified`).

Curricula that choose levels themselves (Prioritized Level Replay) queue them with
:meth:`PCGLevelSource.queue_level`; the env does not expose its source, so build the env with
:func:`make_env`, whose wrapper forwards ``queue_level`` to ``VecEnv.env_method``.

Levels are memoised per process (:func:`generators.generator_process.cached_level`), so a
replayed or repeated (seed, difficulty) costs nothing after its first generation.
"""

from __future__ import annotations

import copy
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, NamedTuple

import gymnasium as gym
import numpy as np

from gvgai_generators import UnsolvableLevelError, canonical_difficulty, level_key, max_size
from gvgai_generators.generator_process import cached_level
from gvgai_generators.prefetch import Name, Prefetcher
from gvgai_py import Level, env_id
from gvgai_py.envs import next_reset_rng

MODES = ("exact", "uniform")
SEED_SPACE = 2**31
UNSOLVABLE_IN_A_ROW = 3
"""A name whose draws all fail verification is skipped; this many in a row is a real problem."""
PREFETCH = 2
"""Default prefetch depth: few levels checked in vain when a curriculum moves the difficulty."""
PREFETCH_FIXED = 4
"""Prefetch depth for levels whose difficulty never moves (``gvgai train --levels pcg:D``):
none is checked in vain, and short episodes need more on their way (beginners lose a hard Frogs
level every few steps; docs/benchmarks.md, "Figures behind the generators' settings")."""


class _Draw(NamedTuple):
    """What a reset draws from the env's generator: a level seed and, in ``"uniform"`` mode,
    the fraction of the current difficulty to generate at (1 in ``"exact"`` mode)."""

    seed: int
    fraction: float


@dataclass(frozen=True)
class _Pending:
    """A level on its way: its name and, when prefetching, the future that generates it."""

    seed: int
    difficulty: float
    future: Future[Level] | None


class PCGLevelSource:
    """Verified generated levels of one game, drawn at every reset (see the module docstring).

    Implements :class:`gvgai_py.envs.LevelSource`.
    """

    def __init__(
        self,
        game: str,
        difficulty: float = 0.0,
        mode: str = "exact",
        num_levels: int | None = None,
        prefetch: int = PREFETCH,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if num_levels is not None and num_levels < 1:
            raise ValueError(f"num_levels must be positive, got {num_levels}")
        if prefetch < 0:
            raise ValueError(f"prefetch must be 0 or more, got {prefetch}")
        self.game = game.lower()
        self.max_size = max_size(self.game)
        self.mode = mode
        self.num_levels = num_levels
        self.prefetch = prefetch
        self.difficulty = canonical_difficulty(difficulty)
        self._queued: deque[_Pending] = deque()
        self._prefetcher = Prefetcher(self.game, self.level) if prefetch else None
        """Keeps the levels of the coming unseeded resets on their way."""
        self._after_reset: np.random.Generator | None = None
        """A copy of the env's generator as the last reset left it, when prefetching: the
        coming resets' draws are predicted from it."""
        self._current: dict[str, Any] = {"difficulty": None, "level_seed": None}

    def __call__(self, rng: np.random.Generator) -> Level:
        """This reset's level: the first queued one, else the one named by this reset's draw
        from the env's generator ``rng`` at the current difficulty (drawn again after a name
        with no winnable level)."""
        failures = 0
        while True:
            pending = self._next(rng)
            if self.prefetch:
                self._after_reset = copy.deepcopy(rng)
                self._prefetch_ahead()  # the child starts on them as soon as this one is done
            try:
                level = self._wait(pending)
            except UnsolvableLevelError:
                failures += 1
                if failures == UNSOLVABLE_IN_A_ROW:
                    raise
                continue  # rare: a training run is better served by the next level
            self._current = {"difficulty": pending.difficulty, "level_seed": pending.seed}
            return level

    def set_difficulty(self, difficulty: float) -> None:
        """The difficulty of the levels drawn from the next reset on (queued levels keep theirs).

        The levels prefetched at the old difficulty are dropped, and those of the coming
        resets start at the new one right away (after the level being checked, if any), so
        that a curriculum moving d after an episode, usually a whole episode before the reset
        that uses it, keeps its prefetching.
        """
        difficulty = canonical_difficulty(difficulty)
        if difficulty == self.difficulty:
            return
        self.difficulty = difficulty
        self._prefetch_ahead()

    def queue_level(self, seed: int, difficulty: float) -> None:
        """Play the level (``seed``, ``difficulty``) at a coming reset instead of drawing one;
        queued levels are played first, in order (and checked in the background when
        prefetching)."""
        seed, difficulty = level_key(seed, difficulty)
        self._queued.append(_Pending(seed, difficulty, self._submit(seed, difficulty)))
        self._prefetch_ahead()

    def info(self) -> dict[str, Any]:
        """``difficulty`` and ``level_seed`` of the level being played."""
        return dict(self._current)

    def close(self) -> None:
        """Stop prefetching (pending levels are dropped)."""
        if self._prefetcher is not None:
            self._prefetcher.close()

    def level(self, seed: int, difficulty: float) -> Level:
        """The verified level named by (``seed``, ``difficulty``); every level served comes
        from here (from the generator process when prefetching)."""
        if self._prefetcher is None:
            return cached_level(self.game, seed, difficulty)
        return self._prefetcher.generate(seed, difficulty)

    def _next(self, rng: np.random.Generator) -> _Pending:
        """The level to play now: a queued one, else the one named by ``rng``'s draw."""
        # Every reset draws, even one playing a queued level, so that the env's generator,
        # and the levels of the resets after, do not depend on what was queued.
        seed, difficulty = self._name(self._draw(rng))
        if self._queued:
            return self._queued.popleft()
        future = None if self._prefetcher is None else self._prefetcher.take((seed, difficulty))
        if future is None:
            # A reset with a new seed, or a redraw after an unsolvable level: every prediction
            # missed, and none must delay this level in the generator's queue.
            if self._prefetcher is not None:
                self._prefetcher.drop()
            future = self._submit(seed, difficulty)
        return _Pending(seed, difficulty, future)

    def _draw(self, rng: np.random.Generator) -> _Draw:
        """A reset's draw from the env's generator (the level is a function of it and d)."""
        seed = int(rng.integers(self.num_levels or SEED_SPACE))
        return _Draw(seed, rng.random() if self.mode == "uniform" else 1.0)

    def _name(self, draw: _Draw) -> tuple[int, float]:
        """The (seed, difficulty) of the level a draw names at the current difficulty."""
        return level_key(draw.seed, self.difficulty * draw.fraction)

    def _coming_names(self) -> list[Name]:
        """The names of the levels the next ``prefetch`` unseeded resets that play no queued
        level will draw, at the current difficulty."""
        rng = self._after_reset
        names = []
        for _ in range(len(self._queued) + self.prefetch):
            rng = next_reset_rng(rng)
            names.append(self._name(self._draw(rng)))
        return names[len(self._queued):]

    def _prefetch_ahead(self) -> None:
        """Have exactly the coming resets' levels on their way (once a reset has shown the
        env's generator)."""
        if self._after_reset is not None:
            self._prefetcher.keep_ahead(self._coming_names())

    def _submit(self, seed: int, difficulty: float) -> Future[Level] | None:
        return None if self._prefetcher is None else self._prefetcher.submit(seed, difficulty)

    def _wait(self, pending: _Pending) -> Level:
        if pending.future is None:
            return self.level(pending.seed, pending.difficulty)
        return pending.future.result()


class LevelQueue(gym.Wrapper):
    """Forwards :meth:`queue_level` to the env's :class:`PCGLevelSource`, so that
    ``VecEnv.env_method("queue_level", seed, difficulty, indices=[i])`` reaches it."""

    def __init__(self, env: gym.Env, source: PCGLevelSource) -> None:
        super().__init__(env)
        self.source = source

    def queue_level(self, seed: int, difficulty: float) -> None:
        self.source.queue_level(seed, difficulty)

    def close(self) -> None:
        self.source.close()
        super().close()


def make_env(game: str, **kwargs: Any) -> LevelQueue:
    """A ``gvgai/<Game>-v0`` env on a :class:`PCGLevelSource` built from ``kwargs`` (plus the
    env's own keyword arguments ``obs_type`` and ``max_steps``), wrapped in :class:`LevelQueue`.
    Picklable as ``functools.partial(make_env, game, ...)`` for ``SubprocVecEnv``."""
    env_kwargs = {key: kwargs.pop(key) for key in ("obs_type", "max_steps") if key in kwargs}
    source = PCGLevelSource(game, **kwargs)
    env = gym.make(env_id(game), level=source, size=source.max_size, **env_kwargs)
    return LevelQueue(env, source)
