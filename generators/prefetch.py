"""Levels on their way: one game's generator process and the requests scheduled to it.

A :class:`Prefetcher` starts its :class:`~generators.generator_process.GeneratorProcess` with
the first request, and hands requests to one worker thread that waits for the process, so that
the caller only waits for a level that is not ready yet. Which levels to request is the level
source's business (:class:`generators.pcg.PCGLevelSource`): it names them, and the prefetcher
keeps exactly those on their way (:meth:`Prefetcher.keep_ahead`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from gvgai_generators.generator_process import GeneratorProcess, cached_level
from gvgai_py import Level

Name = tuple[int, float]
"""A level's (seed, difficulty)."""


class Prefetcher:
    """Requests for the levels of ``game``, answered in order by ``fetch(seed, difficulty)``
    on a worker thread; ``fetch`` gets its levels from :meth:`generate`."""

    def __init__(self, game: str, fetch: Callable[[int, float], Level]) -> None:
        self.game = game
        self._fetch = fetch
        self._ahead: dict[Name, Future[Level]] = {}
        """The levels kept on their way for the caller's coming requests, by name."""
        self._executor: ThreadPoolExecutor | None = None
        self._process: GeneratorProcess | None = None

    def generate(self, seed: int, difficulty: float) -> Level:
        """The verified level (``seed``, ``difficulty``) from the generator process, or from
        this process when none runs (before the first :meth:`submit`, after :meth:`close`)."""
        if self._process is None:
            return cached_level(self.game, seed, difficulty)
        return self._process.level(seed, difficulty)

    def submit(self, seed: int, difficulty: float) -> Future[Level]:
        """Request a level now, after those already requested."""
        if self._executor is None:
            # Both start here, in the caller's thread, so that close() never races a start.
            self._process = GeneratorProcess(self.game)
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="pcg-prefetch")
        return self._executor.submit(self._fetch, seed, difficulty)

    def take(self, name: Name) -> Future[Level] | None:
        """The level ``name`` if it is on its way (it is no longer kept ahead), else None."""
        return self._ahead.pop(name, None)

    def keep_ahead(self, names: Iterable[Name]) -> None:
        """Have exactly the levels ``names`` on their way: the others are cancelled (those
        already checked stay in the generator process's cache) and the missing ones requested."""
        names = list(names)
        for name in [name for name in self._ahead if name not in names]:
            self._ahead.pop(name).cancel()
        for name in names:
            if name not in self._ahead:
                self._ahead[name] = self.submit(*name)

    def drop(self) -> None:
        """Cancel every level kept ahead, so that none delays a level needed now."""
        for future in self._ahead.values():
            future.cancel()
        self._ahead.clear()

    def close(self) -> None:
        """Stop: pending levels are dropped and the generator process ends."""
        self._ahead.clear()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        if self._process is not None:
            self._process.close()
            self._process = None
