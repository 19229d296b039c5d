"""One run of a study, the unit every backend executes: train it to its final model (or
resume it), then evaluate the model on each test set, with a cache per test set."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from gvgai_agents.config import TrainConfig
from gvgai_agents.study.config import Run, StudyConfig
from gvgai_agents.study.test_sets import TestSet
from gvgai_py.files import write_text_atomically
from gvgai_py.outputs import OutputError

RESULT_COLUMNS = ("condition", "seed", "test_set", "win_rate", "mean_score", "episodes")
"""Columns of ``results.csv``: one row per trained model and test set; ``win_rate`` and
``mean_score`` over ``episodes`` episodes with actions sampled from the policy."""
EVAL_SEED = 1_000_000
"""Episode ``i`` of every evaluation resets with seed ``EVAL_SEED + i`` (as held-out
evaluation during training does), apart from training's episode seeds ``seed + env index``."""
EVAL_CACHE = "study_eval"
"""The folder of a run that holds its evaluations, one JSON file per test set."""
RUN_FIELDS = ("game", "algo", "cpc", "cpc_weight", "cpc_horizons", "levels", "obs", "steps",
              "n_envs", "n_steps", "seed", "max_episode_steps")
"""What a finished run must agree on with the study that finds it (else: another study)."""
Rows = list[dict[str, Any]]


def plan_runs(config: StudyConfig, test_sets: list[TestSet]) -> list[Run]:
    """Every condition x seed, seed by seed (an interrupted study has whole seeds of every
    condition), checked before anything trains: the options are valid, the levels exist, and
    runs already in ``out`` belong to this study."""
    from gvgai_agents.train import Levels  # heavy: torch and SB3

    test_words = training_test_words(config.game, test_sets)
    runs = [config.run(condition, seed, test_words)
            for seed in range(config.seeds) for condition in config.conditions]
    for run in runs[: len(config.conditions)]:
        Levels.of(run.config)
    for run in runs:
        check_belongs(run)
    return runs


def training_test_words(game: str, test_sets: list[TestSet]) -> list[str]:
    """The ``--eval-levels`` of every run: the test sets named by one word (ours, generated),
    whose win rates while training are the held-out curves; a set of several files (the
    game's original levels) only if its levels would not fit the grid of the others, as a
    run sees a grid that fits all of its evaluation levels (each file then is a set of its
    own)."""
    whole = [t for t in test_sets if len(t.words) == 1]
    rows, cols = np.max([t.levels.max_size(game) for t in whole], axis=0)
    words = [t.words[0] for t in whole]
    for test_set in test_sets:
        if len(test_set.words) > 1:
            set_rows, set_cols = test_set.levels.max_size(game)
            if set_rows > rows or set_cols > cols:
                words += test_set.words
    return words


def check_belongs(run: Run) -> None:
    """Refuse a run folder left by a study with other settings (:data:`RUN_FIELDS`)."""
    from gvgai_agents.train import CONFIG_FILE

    path = run.directory / CONFIG_FILE
    if not path.is_file():
        return
    found = json.loads(path.read_text())["config"]
    wanted = asdict(run.config)
    differ = [name for name in RUN_FIELDS if found.get(name) != wanted[name]]
    if differ:
        details = ", ".join(f"{n} {found.get(n)!r} (not {wanted[n]!r})" for n in differ)
        raise OutputError(f"{run.directory} was trained with {details}: use another --out")


def complete_run(run: Run, test_sets: list[TestSet], episodes: int) -> Rows:
    """Train (if needed) and evaluate one run, its output going to its log file, which
    begins with where it runs (which machine of a cluster) and when."""
    run.log.parent.mkdir(parents=True, exist_ok=True)
    with open(run.log, "a") as log, redirect_stdout(log), redirect_stderr(log):
        print(f"study: {run.condition.label} s{run.seed} on {socket.gethostname()} "
              f"(pid {os.getpid()}) at {time.strftime('%Y-%m-%d %H:%M:%S')}", flush=True)
        ensure_trained(run.config)
        return evaluate_run(run, test_sets, episodes)


def ensure_trained(config: TrainConfig) -> None:
    """Train the run to its final model, resuming an interrupted one (on ``config.device``,
    whichever device it began on); nothing if finished."""
    from gvgai_agents import train as training
    from gvgai_agents.algorithms import load_model, save_model
    from gvgai_agents.checkpoints import latest_checkpoint

    run_dir = Path(config.logdir) / config.run_name
    if (run_dir / training.FINAL_MODEL).is_file():
        return
    checkpoint = latest_checkpoint(run_dir / training.CHECKPOINTS)
    if checkpoint is None:
        shutil.rmtree(run_dir, ignore_errors=True)  # died before its first checkpoint
        training.train(config)
        return
    model = load_model(checkpoint)
    if model.num_timesteps >= config.steps:  # died between its last checkpoint and model.zip
        save_model(model, run_dir / training.FINAL_MODEL)
    else:
        training.resume(run_dir, device=config.device)


def evaluate_run(run: Run, test_sets: list[TestSet], episodes: int) -> Rows:
    """The run's :data:`RESULT_COLUMNS` rows, one per test set, from the cache when its key
    (model file, levels, episodes, seed) still matches."""
    from gvgai_agents import evaluate as evaluation
    from gvgai_agents.algorithms import load_model, resolve_device

    model_path = final_model(run)
    model_digest = file_digest(model_path)
    model = None
    rows = []
    for test_set in test_sets:
        key = cache_key(model_digest, test_set, episodes)
        result = read_cached(cache_file(run, test_set), key)
        if result is None:
            if model is None:
                model = load_model(model_path, device=resolve_device(run.config.device))
            result = evaluation.evaluate(model, [test_set.levels], episodes,
                                         seed=EVAL_SEED)[0].to_json()
            cache_file(run, test_set).parent.mkdir(exist_ok=True)
            write_text_atomically(cache_file(run, test_set),
                                  json.dumps({"key": key, "result": result}, indent=2))
        rows.append(result_row(run, test_set, result))
    return rows


def finished_rows(run: Run, test_sets: list[TestSet], episodes: int) -> Rows | None:
    """The run's rows if it is trained and evaluated on every test set (all from the cache,
    nothing loaded), else None: a study hands a backend only the runs this returns None for."""
    model_path = final_model(run)
    if not model_path.is_file():
        return None
    model_digest = file_digest(model_path)
    results = [read_cached(cache_file(run, t), cache_key(model_digest, t, episodes))
               for t in test_sets]
    if any(result is None for result in results):
        return None
    return [result_row(run, t, result) for t, result in zip(test_sets, results, strict=True)]


def final_model(run: Run) -> Path:
    from gvgai_agents.train import FINAL_MODEL

    return run.directory / FINAL_MODEL


def cache_file(run: Run, test_set: TestSet) -> Path:
    return run.directory / EVAL_CACHE / f"{test_set.name}.json"


def cache_key(model_digest: str, test_set: TestSet, episodes: int) -> dict[str, Any]:
    """What a cached evaluation must have been made with to be reused."""
    return {"model_sha256": model_digest, "levels_sha256": levels_digest(test_set),
            "episodes": episodes, "seed": EVAL_SEED}


def read_cached(path: Path, key: dict[str, Any]) -> dict[str, Any] | None:
    try:
        cached = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return cached["result"] if cached.get("key") == key else None


def result_row(run: Run, test_set: TestSet, result: dict[str, Any]) -> dict[str, Any]:
    return {"condition": run.condition.label, "seed": run.seed, "test_set": test_set.name,
            "win_rate": result["win_rate"], "mean_score": result["mean_score"],
            "episodes": result["episodes"]}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def levels_digest(test_set: TestSet) -> str:
    return hashlib.sha256("\n".join(level.to_string() for level in test_set.levels.levels)
                          .encode()).hexdigest()
