"""A generalization study: train every condition x seed, evaluate every model on common test
sets, and summarise the win rates with confidence intervals over seeds.

Conditions (``--conditions``, comma-separated): ``LEVELS[+cpc|+nocpc]``, where ``LEVELS`` is a
``gvgai train --levels`` word (``0``, ``human``, ``pcg:1.0``, ``ppcg``, ``plr``, a level file or
folder), with ``+`` between our level indices instead of a comma (``0+1+2``). The suffix turns
CPC on or off for that condition alone; without it the study's ``--cpc``/``--no-cpc`` applies
(default: the ``--preset``'s: off for ``learns`` and ``paper``, on for ``cpc``). So with
``--cpc``, ``0,pcg:1.0,ppcg,ppcg+nocpc`` compares the three level sources with CPC and PPCG
without it.

Test sets, the same for every model: ``human`` (our five levels), ``pcg_<d>`` (``test_levels``
verified generated levels at each difficulty d of ``test_difficulties``; none for a game without
a level generator, which also takes no generated condition), and optionally the game's levels of
a folder (``--extra-test-levels``). Generated test levels use level seeds from
:data:`TEST_LEVEL_SEEDS`, which no training source draws (see there).

Everything lands in ``out``:

    study.json                        the game the folder's study is of (:func:`claim_out`)
    test_levels/pcg_<d>/seed_<N>.txt  the generated test levels (written once, then reused)
    runs/<condition>/s<seed>/         one training run (see gvgai_agents.train), and in it
        study_eval/<test set>.json    its evaluation on one test set (cached)
    runs/<condition>/s<seed>.log      that run's training output
    random_agent/<test set>.json      a uniform random agent's evaluation (cached)
    results.csv                       one row per run and test set (:data:`RESULT_COLUMNS`),
                                      and the random agent's (condition "random agent")
    summary.md                        mean win rate per condition and test set, 95% CIs,
                                      against the random agent's
    win_rate.png                      training win rate against steps, per condition
    held_out_win_rates.png            win rate on each test set while training, per
                                      condition, with the random agent's
    test_win_rates.png                test win rates, grouped by test set
    difficulty.png                    curriculum difficulty against steps (curricula only)

A run is finished when its final model exists; an interrupted run resumes from its newest
checkpoint, and a cached evaluation is reused while its model, levels and episode count are
unchanged. So re-running the same command continues a study where it stopped.

The runs are executed by a backend (:mod:`.backends`): local processes, ``jobs`` at a time
(:mod:`.local`), or Ray tasks on a Ray cluster or a Ray started here (:mod:`.ray_backend`).
Modules: :mod:`.config` (conditions, settings, runs), :mod:`.test_sets`, :mod:`.runs` (one
run: train or resume, evaluate with its cache), :mod:`.progress`, :mod:`.stats`,
:mod:`.report`, :mod:`.folder`; this one orchestrates them.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from gvgai_agents.errors import RunsFailedError
from gvgai_agents.study.backends import Backend, backend_for
from gvgai_agents.study.baseline import RANDOM_AGENT, random_agent_rows
from gvgai_agents.study.config import (
    LOCAL_RAY,
    SMOKE_BUDGET,
    TEST_DIFFICULTIES,
    Condition,
    Run,
    StudyConfig,
    parse_conditions,
)
from gvgai_agents.study.folder import STUDY_FILE, claim_out
from gvgai_agents.study.progress import Progress
from gvgai_agents.study.report import (
    DIFFICULTY_TAG,
    HELD_OUT_PLOT,
    RESULTS_FILE,
    SUMMARY_FILE,
    TEST_PLOT,
    WIN_RATE_PLOT,
    mean_curve,
    plot_curves,
    read_scalars,
    write_reports,
)
from gvgai_agents.study.runs import RESULT_COLUMNS, Rows, finished_rows, plan_runs
from gvgai_agents.study.stats import bootstrap_ci
from gvgai_agents.study.test_sets import TEST_LEVEL_SEEDS, TEST_LEVELS, TestSet, prepare_test_sets

__all__ = [
    "DIFFICULTY_TAG", "HELD_OUT_PLOT", "LOCAL_RAY", "RANDOM_AGENT", "RESULTS_FILE",
    "RESULT_COLUMNS", "SMOKE_BUDGET", "STUDY_FILE", "SUMMARY_FILE", "TEST_DIFFICULTIES",
    "TEST_LEVELS", "TEST_LEVEL_SEEDS", "TEST_PLOT", "WIN_RATE_PLOT", "Condition", "StudyConfig",
    "bootstrap_ci", "complete_runs", "mean_curve", "parse_conditions", "plot_curves",
    "prepare_test_sets", "read_scalars", "run_study",
]

INTERRUPTED = ("runs not started are cancelled, started ones keep their newest checkpoints; "
               "the same command continues the study")
"""What ``gvgai study`` says when Ctrl-C stops it."""


def run_study(config: StudyConfig, *, force: bool = False) -> list[Path]:
    """Run (or continue) the study; returns the report files written. ``force``: see
    :func:`~gvgai_agents.study.folder.claim_out`."""
    claim_out(config, force)
    test_sets = prepare_test_sets(config)
    runs = plan_runs(config, test_sets)
    rows = complete_runs(runs, test_sets, config, backend_for(config))
    return write_reports(config, test_sets, runs, rows, random_agent_rows(config, test_sets))


def complete_runs(runs: list[Run], test_sets: list[TestSet], config: StudyConfig,
                  backend: Backend) -> Rows:
    """Every run's rows (condition by condition): finished runs from their files, the others
    from ``backend``; a failed run does not stop the others, and the failures are reported
    together at the end."""
    rows = {index: found for index, run in enumerate(runs)
            if (found := finished_rows(run, test_sets, config.episodes)) is not None}
    todo = [index for index in range(len(runs)) if index not in rows]
    failures = []
    with Progress(runs, set(rows), f"study {config.game}") as progress:
        try:
            results = backend.complete([runs[i] for i in todo], test_sets, config.episodes)
            with contextlib.closing(results):  # stops the runs if this loop is interrupted
                for position, result in results:
                    index = todo[position]
                    run = runs[index]
                    if isinstance(result, BaseException):
                        failures.append(f"{run.directory}: {type(result).__name__}: "
                                        f"{result} (log: {run.log})")
                    else:
                        rows[index] = result
                    progress.finished(index, failed=isinstance(result, BaseException))
        except KeyboardInterrupt:
            # Said in the command's one line about the interruption (gvgai_py.cli).
            raise KeyboardInterrupt(INTERRUPTED) from None
    if failures:
        raise RunsFailedError(f"{len(failures)} of {len(runs)} runs failed:\n  "
                              + "\n  ".join(failures))
    by_condition = sorted(range(len(runs)), key=lambda i: (
        config.conditions.index(runs[i].condition), runs[i].seed))
    return [row for index in by_condition for row in rows[index]]
