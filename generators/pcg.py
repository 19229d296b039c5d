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
  :data:`PREFETCH_FIXED`): keep this many levels on their way, verified one after the other
  by a child process at the lowest CPU priority (:class:`GeneratorProcess`); 0 checks each
  level at its reset, in the environment's own process. Checking a level costs from about a
  millisecond (easy Frogs) to a few hundred (hard Boulderdash), and a reset in one vectorized
  worker stalls every worker's step. The child works in the CPU time that training leaves
  idle, or, when a reset has to wait for it, in the time that the waiting frees; a thread in
  the environment's process would hold its interpreter lock and stall its steps instead
  (``scripts/bench_generators.py`` measures how much generating slows training: with a
  thread, before the child replaced it, plain A2C at d = 1 trained 20 % slower on Zelda and
  50 % on Solarfox; ``gvgai train`` with the child, 4 % and 9 %).

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

Levels are memoised per process (:data:`CACHE_SIZE` most recent), so a replayed or repeated
(seed, difficulty) costs nothing after its first generation.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import json
import os
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any, NamedTuple

import gymnasium as gym
import numpy as np

from gvgai_generators import (
    UnsolvableLevelError,
    canonical_difficulty,
    generate_verified,
    level_key,
    max_size,
)
from gvgai_py import Level, env_id
from gvgai_py.envs import next_reset_rng
from gvgai_py.processes import ORPHANED, watch_parent

MODES = ("exact", "uniform")
SEED_SPACE = 2**31
CACHE_SIZE = 4096
UNSOLVABLE_IN_A_ROW = 3
"""A name whose draws all fail verification is skipped; this many in a row is a real problem."""
YOUNG_COLLECTION_EVERY = 10_000
"""Allocations between the generator process's collections of young objects (Python's
default: 700); see :func:`quiet_collector`."""
PREFETCH = 2
"""Default prefetch depth: few levels checked in vain when a curriculum moves the difficulty."""
PREFETCH_FIXED = 4
"""Prefetch depth for levels whose difficulty never moves (``gvgai train --levels pcg:D``):
none is checked in vain, and short episodes need more on their way (beginners lose a Frogs level
at d = 1 every 15 steps; training on them, resets waited 3.6% of the time with 2, about 1%
with 4)."""


@lru_cache(maxsize=CACHE_SIZE)
def cached_level(game: str, seed: int, difficulty: float) -> Level:
    """The verified level named by (``seed``, ``difficulty``), generated once per process."""
    level, _ = generate_verified(game, difficulty, seed)
    return level


class GeneratorProcess:
    """A child process that generates and verifies the levels of one game, at the lowest CPU
    priority, one request at a time (see :func:`serve`).

    Verifying in a thread of the environment's own process would hold its interpreter lock
    for milliseconds at a time, stalling every step of a vectorized run that waits for that
    environment; a child process at the lowest priority (:func:`yield_the_cpu`) only takes
    CPU time that nothing else wants, or, when a reset has to wait for it, time that the
    waiting frees.
    """

    def __init__(self, game: str) -> None:
        self.game = game
        # The child ends with this process (see the module's ``__main__``). Its own session
        # keeps it out of this process's group, which Ctrl-C interrupts: this process alone
        # decides when the child stops.
        self._process = subprocess.Popen(
            [sys.executable, "-m", "gvgai_generators.pcg", game, str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            start_new_session=True,
        )
        self._lock = threading.Lock()

    @property
    def pid(self) -> int:
        return self._process.pid

    def level(self, seed: int, difficulty: float) -> Level:
        """The verified level named by (``seed``, ``difficulty``), generated by the child."""
        with self._lock:
            self._process.stdin.write(f"{seed} {difficulty!r}\n")
            self._process.stdin.flush()
            reply = self._process.stdout.readline()
        if not reply:
            raise RuntimeError(f"the {self.game} level generator process ended unexpectedly")
        record = json.loads(reply)
        if "unsolvable" in record:
            raise UnsolvableLevelError(record["unsolvable"])
        return Level.from_string(record["level"], self.game)

    def close(self) -> None:
        """End the child now, dropping the level it may be working on."""
        self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            # A request the prefetching thread had not flushed yet cannot reach a dead child;
            # closing still releases the pipe.
            with contextlib.suppress(BrokenPipeError):
                pipe.close()


def serve(game: str, requests: Iterable[str], replies: IO[str]) -> None:
    """Answer each request line ``"<seed> <difficulty>"`` with one JSON line: ``{"level":
    text}`` for the verified level it names, or ``{"unsolvable": message}``."""
    for request in requests:
        seed, difficulty = request.split()
        try:
            record = {"level": cached_level(game, int(seed), float(difficulty)).to_string()}
        except UnsolvableLevelError as error:
            record = {"unsolvable": str(error)}
        replies.write(json.dumps(record) + "\n")
        replies.flush()


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
        self._prefetched: dict[tuple[int, float], Future[Level]] = {}
        """The levels of the coming unseeded resets, on their way, by name."""
        self._after_reset: np.random.Generator | None = None
        """A copy of the env's generator as the last reset left it, when prefetching: the
        coming resets' draws are predicted from it."""
        self._executor: ThreadPoolExecutor | None = None
        """Waits for the generator process, so that a reset only waits for a level not ready."""
        self._generator: GeneratorProcess | None = None
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
        self._prefetched.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        if self._generator is not None:
            self._generator.close()
            self._generator = None

    def level(self, seed: int, difficulty: float) -> Level:
        """The verified level named by (``seed``, ``difficulty``); every level served comes
        from here (from the generator process when prefetching)."""
        if self._generator is None:
            return cached_level(self.game, seed, difficulty)
        return self._generator.level(seed, difficulty)

    def _next(self, rng: np.random.Generator) -> _Pending:
        """The level to play now: a queued one, else the one named by ``rng``'s draw."""
        # Every reset draws, even one playing a queued level, so that the env's generator,
        # and the levels of the resets after, do not depend on what was queued.
        seed, difficulty = self._name(self._draw(rng))
        if self._queued:
            return self._queued.popleft()
        future = self._prefetched.pop((seed, difficulty), None)
        if future is None:
            # A reset with a new seed, or a redraw after an unsolvable level: every prediction
            # missed, and none must delay this level in the generator's queue.
            self._drop_prefetched()
            future = self._submit(seed, difficulty)
        return _Pending(seed, difficulty, future)

    def _draw(self, rng: np.random.Generator) -> _Draw:
        """A reset's draw from the env's generator (the level is a function of it and d)."""
        seed = int(rng.integers(self.num_levels or SEED_SPACE))
        return _Draw(seed, rng.random() if self.mode == "uniform" else 1.0)

    def _name(self, draw: _Draw) -> tuple[int, float]:
        """The (seed, difficulty) of the level a draw names at the current difficulty."""
        return level_key(draw.seed, self.difficulty * draw.fraction)

    def _coming_names(self) -> list[tuple[int, float]]:
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
        env's generator); the generator process caches those dropped after their check."""
        if self._after_reset is None:
            return
        names = self._coming_names()
        for name in [name for name in self._prefetched if name not in names]:
            self._prefetched.pop(name).cancel()
        for name in names:
            if name not in self._prefetched:
                self._prefetched[name] = self._submit(*name)

    def _drop_prefetched(self) -> None:
        for future in self._prefetched.values():
            future.cancel()
        self._prefetched.clear()

    def _submit(self, seed: int, difficulty: float) -> Future[Level] | None:
        if not self.prefetch:
            return None
        if self._executor is None:
            self._generator = GeneratorProcess(self.game)
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="pcg-prefetch")
        return self._executor.submit(self.level, seed, difficulty)

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


def yield_the_cpu() -> None:
    """Give this process the lowest CPU priority there is: nice 19 and, on Linux, the idle
    scheduling class, which runs it only on a core that nothing else wants (at nice 19 alone
    it still takes a small share of a busy core, and the training processes it delays wait
    for each other)."""
    if hasattr(os, "nice"):
        os.nice(19)
    if hasattr(os, "SCHED_IDLE"):
        # Linux lets any process lower itself to this class, but a sandbox may forbid the
        # call; nice 19 alone is still a low priority, and far better than no levels at all.
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def quiet_collector() -> None:
    """Keep Python's cycle collector off a process that only generates levels: the objects of
    the modules imported so far live as long as the process, so they are frozen out of every
    collection, and young objects are collected every :data:`YOUNG_COLLECTION_EVERY`
    allocations instead of 700, since a search makes and drops many small ones. Serving 1,500
    Frogs levels at d = 1, a level cost 5.4 ms instead of 5.8, and none of the 28 full
    collections (24 ms each) was left."""
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


if __name__ == "__main__":
    # Usage: python -m gvgai_generators.pcg GAME PARENT_PID (see GeneratorProcess). Any thread
    # of the parent may start this process, so it watches the parent rather than ask for the
    # parent-death signal, which follows the starting thread; a parent killed outright also
    # closes the requests' pipe, unless a process it forked still holds that pipe. Watching
    # starts before yield_the_cpu, so that the watching thread keeps a normal priority (Linux
    # sets it per thread, and new threads inherit it).
    watch_parent(int(sys.argv[2]))
    yield_the_cpu()
    quiet_collector()
    try:
        serve(sys.argv[1], sys.stdin, sys.stdout)
    except BrokenPipeError:  # the parent ended while a level was being checked
        os._exit(ORPHANED)
