"""How a study's runs are executed: one small interface (:class:`Backend`) that the local
processes (:mod:`.local`) and a Ray cluster (:mod:`.ray_backend`) both offer, so that resume,
progress and reports are the same whichever executes the runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from gvgai_agents.errors import ConfigError
from gvgai_agents.study.config import LOCAL_RAY, Run, StudyConfig
from gvgai_agents.study.runs import Rows
from gvgai_agents.study.test_sets import TestSet

RunResult = Rows | BaseException
"""A run's :data:`~gvgai_agents.study.runs.RESULT_COLUMNS` rows, or the error it ended with."""


class Backend(Protocol):
    """Executes runs (:func:`gvgai_agents.study.runs.complete_run` of each)."""

    def complete(self, runs: list[Run], test_sets: list[TestSet], episodes: int
                 ) -> Iterator[tuple[int, RunResult]]:
        """Complete every run, yielding ``(index in runs, result)`` as each run ends, in
        whatever order they end; a failed run does not stop the others. On
        KeyboardInterrupt, runs not started are cancelled and started ones are stopped
        (keeping their checkpoints) before it propagates."""
        ...


def backend_for(config: StudyConfig) -> Backend:
    """The backend ``config`` asks for: Ray with ``config.ray``, else local processes."""
    if config.ray is not None:
        try:
            from gvgai_agents.study.ray_backend import RayBackend
        except ModuleNotFoundError as err:  # Ray is an optional extra
            if err.name != "ray":
                raise
            raise ConfigError("--ray needs Ray: pip install 'gvgai_py[ray]'") from None

        local_cpus = config.jobs * config.cpus_per_run if config.ray == LOCAL_RAY else None
        return RayBackend(config.ray, config.cpus_per_run, config.gpus_per_run, local_cpus)
    from gvgai_agents.study.local import InProcess, ProcessPool

    return InProcess() if config.jobs == 1 else ProcessPool(config.jobs)
