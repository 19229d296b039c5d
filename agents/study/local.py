"""The local backends: runs one after another in this process, or ``jobs`` at a time in a
pool of worker processes that end with this one and stop cleanly on Ctrl-C."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from gvgai_agents.study.backends import RunResult
from gvgai_agents.study.config import Run
from gvgai_agents.study.runs import Rows, complete_run
from gvgai_agents.study.test_sets import TestSet
from gvgai_py.processes import become_helper, interrupts_held


class InProcess:
    """Runs one after another in this process (``--jobs 1``): Ctrl-C stops the run in
    progress as it stops ``gvgai train``."""

    def complete(self, runs: list[Run], test_sets: list[TestSet], episodes: int
                 ) -> Iterator[tuple[int, RunResult]]:
        for index, run in enumerate(runs):
            try:
                result: RunResult = complete_run(run, test_sets, episodes)
            except Exception as err:  # noqa: BLE001 - the study reports it with the others
                result = err
            yield index, result


@dataclass
class ProcessPool:
    """Runs ``jobs`` at a time, each in a worker process of this machine.

    The workers end with this process (:func:`gvgai_py.processes.become_helper`). On Ctrl-C,
    which reaches them too, the runs not started are cancelled, and this process waits for
    the running ones to stop, each as a run stops in this process itself (see
    :func:`stop_worker`): within seconds, keeping its checkpoints.
    """

    jobs: int

    def complete(self, runs: list[Run], test_sets: list[TestSet], episodes: int
                 ) -> Iterator[tuple[int, RunResult]]:
        # spawn: a forked child would inherit this process's threads (tqdm's monitor)
        context = multiprocessing.get_context("spawn")
        others = set(multiprocessing.active_children())  # the pool's workers are to come
        with ProcessPoolExecutor(self.jobs, mp_context=context, initializer=become_helper,
                                 initargs=(os.getpid(), stop_worker)) as pool:
            try:
                with interrupts_held():  # the workers start in submit()
                    futures = {pool.submit(complete_run_in_worker, run, test_sets, episodes):
                               index for index, run in enumerate(runs)}
                for future in as_completed(futures):
                    yield futures[future], future.exception() or future.result()
            except (KeyboardInterrupt, GeneratorExit):  # GeneratorExit: Ctrl-C in the study
                pool.shutdown(wait=False, cancel_futures=True)
                # For a SIGINT sent to this process alone; the terminal's reaches every worker.
                for worker in set(multiprocessing.active_children()) - others:
                    with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                        os.kill(worker.pid, signal.SIGINT)
                raise  # once the pool has ended (leaving the with block)


@dataclass
class WorkerState:
    """What a study worker process is doing, for :func:`stop_worker`."""

    running: bool = False
    stopping: bool = False


WORKER = WorkerState()


def stop_worker(signum: int, frame: object) -> None:
    """A study worker's SIGINT handler: the run in progress stops (KeyboardInterrupt), and the
    worker starts no other (:func:`complete_run_in_worker`). A worker gets SIGINT twice when
    the terminal's Ctrl-C reaches it and the study passes it on, and then stops only once."""
    stop = WORKER.running and not WORKER.stopping
    WORKER.stopping = True
    if stop:
        raise KeyboardInterrupt


def complete_run_in_worker(run: Run, test_sets: list[TestSet], episodes: int) -> Rows:
    """:func:`complete_run` in a study worker, unless the study is stopping."""
    WORKER.running = True  # before looking at stopping: a SIGINT in between stops the run
    try:
        if WORKER.stopping:
            raise KeyboardInterrupt
        return complete_run(run, test_sets, episodes)
    finally:
        WORKER.running = False
