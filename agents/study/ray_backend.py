"""The Ray backend: each run (training and evaluation) is one Ray task on a Ray cluster, or on
a Ray started here.

A plain task, not a Ray Tune trial: the study already does what Tune would add (it plans the
grid, skips finished runs, resumes checkpointed ones and writes its own reports), and a task
keeps the run exactly :func:`~gvgai_agents.study.runs.complete_run`, as the local backends run
it, with no second layout of results and checkpoints to reconcile.

The runs write to the study's ``out`` as the local backends do, so ``out`` must be a path that
every node sees (a shared filesystem mounted at the same path); nothing travels back but each
run's rows. A task reserves ``cpus_per_run`` CPUs and ``gpus_per_run`` GPUs; Ray does not hold
a task to its CPUs, so the run sizes its torch threads to them (:meth:`StudyConfig.run`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import ray
from ray.exceptions import RayTaskError

from gvgai_agents.study.backends import RunResult
from gvgai_agents.study.config import LOCAL_RAY, Run
from gvgai_agents.study.runs import Rows, complete_run
from gvgai_agents.study.test_sets import TestSet

WAIT_SECONDS = 0.5
"""How long the study waits for a run to end at a time (how long Ctrl-C may take)."""


@ray.remote(max_retries=1)  # retried once (from its checkpoint) if its worker or node dies
def complete_run_task(run: Run, test_sets: list[TestSet], episodes: int) -> Rows:
    return complete_run(run, test_sets, episodes)


@dataclass
class RayBackend:
    """Runs as Ray tasks. ``address``: :data:`~gvgai_agents.study.config.LOCAL_RAY` to start
    a Ray here with ``local_cpus`` CPUs, else the address of a running cluster (``ray start
    --head`` prints it; ``auto``: the one this machine belongs to). At the end, a Ray started
    here is shut down and a cluster is disconnected from; a Ray already initialised in this
    process is used as it is, and left so."""

    address: str
    cpus_per_run: float
    gpus_per_run: float
    local_cpus: float | None = None

    def complete(self, runs: list[Run], test_sets: list[TestSet], episodes: int
                 ) -> Iterator[tuple[int, RunResult]]:
        if not runs:
            return  # without starting or joining a Ray for nothing
        initialised_here = self.connect()
        try:
            shared = ray.put(test_sets)  # stored once, not once per task
            task = complete_run_task.options(num_cpus=self.cpus_per_run,
                                              num_gpus=self.gpus_per_run)
            pending = {task.remote(run, shared, episodes): index
                       for index, run in enumerate(runs)}
            try:
                while pending:
                    # A timeout: Python runs the SIGINT handler (Ctrl-C) only between waits.
                    ready, _ = ray.wait(list(pending), num_returns=1, timeout=WAIT_SECONDS)
                    for done in ready:
                        yield pending.pop(done), run_result(done)
            except (KeyboardInterrupt, GeneratorExit):  # GeneratorExit: Ctrl-C in the study
                # force: a run stops at once, keeping its checkpoints (written atomically)
                for ref in pending:
                    ray.cancel(ref, force=True)
                raise
        finally:
            if initialised_here:
                ray.shutdown()

    def connect(self) -> bool:
        """Initialise Ray unless it is; whether this did."""
        if ray.is_initialized():
            return False
        # The runs' output goes to their log files; Ray's own would hide the progress bar.
        if self.address == LOCAL_RAY:
            ray.init(address=LOCAL_RAY, num_cpus=math.ceil(self.local_cpus or 1),
                     include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=self.address, log_to_driver=False)
        return True


def run_result(ref: ray.ObjectRef) -> RunResult:
    """A finished task's rows, or the error its run raised (not Ray's wrapper of it, whose
    text repeats the remote traceback; the run's log has that)."""
    try:
        return ray.get(ref)
    except RayTaskError as err:
        return err.cause if isinstance(err.cause, BaseException) else err
    except ray.exceptions.RayError as err:  # its worker died, it was cancelled, ...
        return err
