"""The progress display of a study: runs done (the bar), running and failed, and the
env-steps/s of all its runs together.

It reads the runs' folders, not the backend: a run's log grows when it starts
(:func:`~gvgai_agents.study.runs.complete_run`), and its newest checkpoint names the steps it
has trained. So it costs a few ``stat`` calls every :data:`REFRESH_SECONDS`, needs nothing
from a run's process, and shows the same for every backend whose runs write to ``out``; the
rate moves in steps of ``checkpoint_every``."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tqdm import tqdm

from gvgai_agents.study.config import Run

REFRESH_SECONDS = 2.0


class Progress:
    """A tqdm bar of ``runs``, refreshed by a thread of its own while it is entered (the
    main thread waits for runs meanwhile); ``done`` lists runs finished before it began."""

    def __init__(self, runs: list[Run], done: set[int], description: str) -> None:
        self.runs = runs
        self.done = set(done)
        self.failed = 0
        self.began = time.monotonic()
        self.log_sizes = [file_size(run.log) for run in runs]
        self.first_steps = [trained_steps(run) for run in runs]
        self.steps = list(self.first_steps)
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.refresh_until_stopped, daemon=True,
                                       name="study-progress")
        self.bar = tqdm(total=len(runs), initial=len(self.done), desc=description, unit="run",
                        dynamic_ncols=True)

    def __enter__(self) -> Progress:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()
        self.refresh()
        self.bar.close()

    def finished(self, index: int, failed: bool) -> None:
        """Count run ``index`` as done (its steps as trained, unless it failed)."""
        with self.lock:
            self.done.add(index)
            self.failed += failed
            if not failed:
                self.steps[index] = self.runs[index].config.steps
            self.bar.update()
        self.refresh()

    def running(self) -> int:
        """Runs not done whose log has grown since the study began: started ones."""
        return sum(file_size(run.log) > size
                   for index, (run, size) in enumerate(zip(self.runs, self.log_sizes,
                                                          strict=True))
                   if index not in self.done)

    def steps_per_second(self) -> float:
        """Env-steps trained by all runs since the study began, per second of it."""
        for index, run in enumerate(self.runs):
            if index not in self.done:
                self.steps[index] = trained_steps(run)
        trained = sum(self.steps) - sum(self.first_steps)
        return trained / max(time.monotonic() - self.began, 1e-9)

    def refresh(self) -> None:
        with self.lock:  # the refresh thread's and the main thread's (finished) in turn
            self.bar.set_postfix_str(f"{self.running()} running, {self.failed} failed, "
                                     f"{self.steps_per_second():,.0f} steps/s")

    def refresh_until_stopped(self) -> None:
        while not self.stopped.wait(REFRESH_SECONDS):
            self.refresh()


def file_size(path: Path) -> int:
    """The size of ``path``, -1 if it is missing."""
    try:
        return path.stat().st_size
    except OSError:
        return -1


def trained_steps(run: Run) -> int:
    """Steps the run has trained, as its files show: all of them once it has its final model,
    else its newest checkpoint's (0 without one)."""
    from gvgai_agents.checkpoints import latest_checkpoint
    from gvgai_agents.train import CHECKPOINTS, FINAL_MODEL

    if (run.directory / FINAL_MODEL).is_file():
        return run.config.steps
    checkpoint = latest_checkpoint(run.directory / CHECKPOINTS)
    # named step_<N>.zip (gvgai_agents.checkpoints.checkpoint_path)
    return 0 if checkpoint is None else int(checkpoint.stem.removeprefix("step_"))
