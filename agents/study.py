"""A generalization study: train every condition x seed, evaluate every model on common test
sets, and summarise the win rates with confidence intervals over seeds.

Conditions (``--conditions``, comma-separated): ``LEVELS[+cpc|+nocpc]``, where ``LEVELS`` is a
``gvgai train --levels`` word (``0``, ``human``, ``pcg:1.0``, ``ppcg``, ``plr``, a level file or
folder), with ``+`` between our level indices instead of a comma (``0+1+2``). The suffix turns
CPC on or off for that condition alone; without it the study's ``--cpc``/``--no-cpc`` applies
(default: on for a2c and dqn). So ``0,pcg:1.0,ppcg,ppcg+nocpc`` compares the three level
sources with CPC and PPCG without it.

Test sets, the same for every model: ``human`` (our five levels), ``pcg_<d>`` (``test_levels``
verified generated levels at each difficulty d of ``test_difficulties``), and optionally the
game's levels of a folder (``--extra-test-levels``). Generated test levels use level seeds from
:data:`TEST_LEVEL_SEEDS`, which no training source draws (see there).

Everything lands in ``out``:

    study.json                        the game the folder's study is of (:func:`claim_out`)
    test_levels/pcg_<d>/seed_<N>.txt  the generated test levels (written once, then reused)
    runs/<condition>/s<seed>/         one training run (see gvgai_agents.train), and in it
        study_eval/<test set>.json    its evaluation on one test set (cached)
    runs/<condition>/s<seed>.log      that run's training output
    results.csv                       one row per run and test set (:data:`RESULT_COLUMNS`)
    summary.md                        mean win rate per condition and test set, 95% CIs
    win_rate.png                      training win rate against steps, per condition
    test_win_rates.png                test win rates, grouped by test set
    difficulty.png                    curriculum difficulty against steps (curricula only)

A run is finished when its final model exists; an interrupted run resumes from its newest
checkpoint, and a cached evaluation is reused while its model, levels and episode count are
unchanged. So re-running the same command continues a study where it stopped.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from gvgai_agents.config import ALGOS, CPC_ALGOS, TrainConfig
from gvgai_agents.level_map import game_level_files
from gvgai_agents.levels import HUMAN, LevelSet, parse_level_set
from gvgai_generators.pcg import SEED_SPACE
from gvgai_py import GAMES, Level
from gvgai_py.cli import CLIError
from gvgai_py.files import write_text_atomically
from gvgai_py.outputs import OutputError, check_folder
from gvgai_py.processes import become_helper, interrupts_held

# ------------------------------------------------------------------ seeds
TEST_LEVEL_SEEDS = range(SEED_SPACE, 2 * SEED_SPACE)
"""Level seeds of generated test levels, disjoint from every training level seed: the ``pcg``
level source draws training seeds from ``range(SEED_SPACE)`` (or the smaller
``range(num_levels)``; PLR's ``range(gvgai_agents.levels.PLR_LEVELS)``). A level is named by (seed,
difficulty) (:func:`generators.generate_verified`); each test set takes the first seeds of this
range whose level verifies."""
EVAL_SEED = 1_000_000
"""Episode ``i`` of every evaluation resets with seed ``EVAL_SEED + i`` (as held-out
evaluation during training does), apart from training's episode seeds ``seed + env index``."""

# ------------------------------------------------------------------ outputs
RESULT_COLUMNS = ("condition", "seed", "test_set", "win_rate", "mean_score", "episodes")
"""Columns of ``results.csv``: one row per trained model and test set; ``win_rate`` and
``mean_score`` over ``episodes`` episodes with actions sampled from the policy."""
STUDY_FILE = "study.json"
STUDY_FORMAT = "gvgai-study/1"
RUNS = "runs"
TEST_LEVELS = "test_levels"
EVAL_CACHE = "study_eval"
RESULTS_FILE = "results.csv"
SUMMARY_FILE = "summary.md"
WIN_RATE_PLOT = "win_rate.png"
TEST_PLOT = "test_win_rates.png"
DIFFICULTY_PLOT = "difficulty.png"
WIN_RATE_TAG = "rollout/win_rate"
DIFFICULTY_TAG = "curriculum/difficulty"
CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 10_000
CURVE_POINTS = 200
"""Steps at which training curves of different seeds are interpolated and averaged."""
RUN_FIELDS = ("game", "algo", "cpc", "cpc_weight", "cpc_horizons", "levels", "obs", "steps",
              "n_envs", "n_steps", "seed", "max_episode_steps")
"""What a finished run must agree on with the study that finds it (else: another study)."""
CPC_SUFFIXES = {"+cpc": True, "+nocpc": False}
INTERRUPTED = ("runs not started are cancelled, started ones keep their newest checkpoints; "
               "the same command continues the study")
"""What ``gvgai study`` says when Ctrl-C stops it."""
SMOKE_BUDGET = {"steps": 256, "n_envs": 2, "episodes": 3, "test_levels": 2,
                "max_episode_steps": 50, "checkpoint_every": 256}
"""What ``--smoke`` changes: a study that runs end to end in seconds per run."""


# ------------------------------------------------------------------ configuration
@dataclass(frozen=True)
class Condition:
    """One training condition: a level set and whether CPC is on."""

    levels: str
    """A ``gvgai train --levels`` word."""
    cpc: bool | None
    """CPC for this condition; None until resolved against the study's default."""
    label: str
    """How reports name it: the condition as written (``ppcg+nocpc``)."""

    @property
    def directory(self) -> str:
        """Its folder under ``runs/``: the level word and the resolved CPC setting, so that a
        study with another ``--cpc`` default never mistakes these runs for its own."""
        name = f"{self.levels.replace(',', '+')}+{'cpc' if self.cpc else 'nocpc'}"
        return re.sub(r"[^\w.+-]", "_", name)


def parse_conditions(text: str) -> list[Condition]:
    """The conditions of a ``--conditions`` value (see the module docstring)."""
    conditions = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            raise CLIError(f"--conditions {text!r}: empty condition")
        levels, cpc = part, None
        for suffix, value in CPC_SUFFIXES.items():
            if part.endswith(suffix):
                levels, cpc = part[: -len(suffix)], value
        if re.fullmatch(r"\d+(\+\d+)*", levels):
            levels = levels.replace("+", ",")
        conditions.append(Condition(levels, cpc, part))
    return conditions


@dataclass
class StudyConfig:
    """Everything a study depends on; ``--smoke`` replaces the budgets by
    :data:`SMOKE_BUDGET`."""

    game: str
    """Game to study."""
    conditions: list[Condition]
    """Training conditions (:func:`parse_conditions`)."""
    out: Path
    """Folder that receives everything (see the module docstring)."""
    algo: str = "a2c"
    """RL algorithm of every run."""
    cpc: bool | None = None
    """CPC for conditions without a ``+cpc``/``+nocpc`` suffix (None: on for a2c and dqn)."""
    steps: int = 500_000
    """Environment steps per run."""
    seeds: int = 3
    """Runs per condition, with seeds 0 .. seeds - 1."""
    jobs: int = 1
    """Runs trained and evaluated at once, each in its own process."""
    n_envs: int = 8
    """Parallel environments per run."""
    vec_env: str = "dummy"
    """``dummy`` (all of a run's environments in its process; ``jobs`` gives the parallelism)
    or ``subproc``."""
    episodes: int = 100
    """Episodes per test set for each model (levels of a set are played in turn)."""
    test_levels: int = 100
    """Generated levels per test difficulty."""
    test_difficulties: tuple[float, ...] = (0.5, 1.0)
    """Difficulties of the generated test sets."""
    extra_test_levels: Path | None = None
    """A folder of further test levels (the game's ones, see
    :func:`agents.level_map.game_level_files`), a test set named after the folder."""
    extra_test_name: str | None = None
    """The name of the ``extra_test_levels`` set in reports, instead of the folder's."""
    max_episode_steps: int = 2000
    """Steps before an episode is cut off, in training and evaluation."""
    checkpoint_every: int = 50_000
    """Steps between checkpoints: how much an interruption can cost a run."""
    smoke: bool = False
    """Tiny budgets (:data:`SMOKE_BUDGET`), to check the whole pipeline in seconds."""
    default_cpc: bool = field(init=False)
    """The resolved CPC setting for conditions without a suffix."""

    def __post_init__(self) -> None:
        """Check the values, apply ``smoke`` and resolve each condition's CPC (one place)."""
        self.game = self.game.lower()
        if self.game not in GAMES:
            raise CLIError(f"unknown game {self.game!r} (known: {', '.join(GAMES)})")
        if self.algo not in ALGOS:
            raise CLIError(f"unknown --algo {self.algo!r} (known: {', '.join(ALGOS)})")
        if self.smoke:
            for name, value in SMOKE_BUDGET.items():
                setattr(self, name, value)
        for name in ("steps", "seeds", "jobs", "n_envs", "episodes", "test_levels",
                     "max_episode_steps", "checkpoint_every"):
            if getattr(self, name) <= 0:
                raise CLIError(f"--{name.replace('_', '-')} must be positive, "
                               f"got {getattr(self, name)}")
        if not all(0.0 <= d <= 1.0 for d in self.test_difficulties):
            raise CLIError(f"--test-difficulties must lie in [0, 1], got {self.test_difficulties}")
        self.default_cpc = self.algo in CPC_ALGOS if self.cpc is None else self.cpc
        resolved = [Condition(c.levels, self.default_cpc if c.cpc is None else c.cpc, c.label)
                    for c in self.conditions]
        folders = [c.directory for c in resolved]
        for condition, folder in zip(resolved, folders, strict=True):
            if folders.count(folder) > 1:
                raise CLIError(f"--conditions: {condition.label!r} names the same runs as "
                               "another condition")
        self.conditions = resolved

    def run(self, condition: Condition, seed: int, size_words: list[str]) -> Run:
        """The training run of ``condition`` with ``seed``; its grid fits the levels of the
        ``--levels`` words ``size_words`` (the test sets)."""
        return Run(condition, seed, TrainConfig(
            game=self.game, algo=self.algo, cpc=condition.cpc, levels=condition.levels,
            # Not evaluated during training (eval_every=0), only sized to fit.
            eval_levels=size_words, eval_every=0,
            steps=self.steps, n_envs=self.n_envs, vec_env=self.vec_env, seed=seed,
            logdir=str(self.out / RUNS / condition.directory), run_name=f"s{seed}",
            checkpoint_every=self.checkpoint_every, max_episode_steps=self.max_episode_steps,
        ))


@dataclass(frozen=True)
class TestSet:
    """Levels every model is evaluated on."""

    levels: LevelSet
    """The levels (``levels.name`` names the test set in reports)."""
    words: tuple[str, ...]
    """``--levels`` words that cover these levels: training sizes its grid to fit them."""

    @property
    def name(self) -> str:
        return self.levels.name


@dataclass(frozen=True)
class Run:
    """One training run of the study: a condition and a seed."""

    condition: Condition
    seed: int
    config: TrainConfig

    @property
    def directory(self) -> Path:
        return Path(self.config.logdir) / self.config.run_name

    @property
    def log(self) -> Path:
        return Path(self.config.logdir) / f"{self.config.run_name}.log"


# ------------------------------------------------------------------ test sets
def generated_test_set(game: str, difficulty: float, count: int, folder: Path) -> TestSet:
    """``count`` verified levels at ``difficulty`` from :data:`TEST_LEVEL_SEEDS`, stored in
    ``folder`` as ``seed_<N>.txt`` (kept: a study's test levels never change under it). A seed
    whose level cannot be verified is skipped, so the set takes the next one."""
    from gvgai_generators import UnsolvableLevelError, generate_verified

    folder.mkdir(parents=True, exist_ok=True)
    levels = []
    seeds = iter(TEST_LEVEL_SEEDS)
    with tqdm(total=count, desc=f"test levels {folder.name}", unit="level", leave=False) as bar:
        while len(levels) < count:
            seed = next(seeds)
            path = folder / f"seed_{seed}.txt"
            if not path.is_file():
                try:
                    level, _ = generate_verified(game, difficulty, seed)
                except UnsolvableLevelError:
                    continue
                write_text_atomically(path, level.to_string())
            levels.append(Level.from_file(path, game))
            bar.update()
    return TestSet(LevelSet(str(folder), folder.name, tuple(levels)), (str(folder),))


def prepare_test_sets(config: StudyConfig) -> list[TestSet]:
    """The study's test sets (generating the generated ones on first use)."""
    human = parse_level_set(config.game, HUMAN, training=False)
    test_sets = [TestSet(human, (HUMAN,))]
    for difficulty in config.test_difficulties:
        folder = config.out / TEST_LEVELS / f"pcg_{difficulty:g}"
        test_sets.append(generated_test_set(config.game, difficulty, config.test_levels, folder))
    if config.extra_test_levels is not None:
        directory = config.extra_test_levels
        files = game_level_files(config.game, directory)
        levels = tuple(Level.from_file(f, config.game) for f in files)
        name = config.extra_test_name or directory.name
        test_sets.append(TestSet(LevelSet(str(directory), name, levels),
                                 tuple(str(f) for f in files)))
    names = [t.name for t in test_sets]
    if len(set(names)) < len(names):
        raise CLIError(f"test sets need distinct names, got {', '.join(names)}")
    return test_sets


# ------------------------------------------------------------------ runs
def plan_runs(config: StudyConfig, test_sets: list[TestSet]) -> list[Run]:
    """Every condition x seed, seed by seed (an interrupted study has whole seeds of every
    condition), checked before anything trains: the options are valid, the levels exist, and
    runs already in ``out`` belong to this study."""
    from gvgai_agents.train import Levels  # heavy: torch and SB3

    size_words = [word for test_set in test_sets for word in test_set.words]
    runs = [config.run(condition, seed, size_words)
            for seed in range(config.seeds) for condition in config.conditions]
    for run in runs[: len(config.conditions)]:
        Levels.of(run.config)
    for run in runs:
        check_belongs(run)
    return runs


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
        raise CLIError(f"{run.directory} was trained with {details}: use another --out")


def ensure_trained(config: TrainConfig) -> None:
    """Train the run to its final model, resuming an interrupted one; nothing if finished."""
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
        training.resume(run_dir)


def evaluate_run(run: Run, test_sets: list[TestSet], episodes: int) -> list[dict[str, Any]]:
    """The run's :data:`RESULT_COLUMNS` rows, one per test set, from the cache when its key
    (model file, levels, episodes, seed) still matches."""
    from gvgai_agents import evaluate as evaluation
    from gvgai_agents.algorithms import load_model
    from gvgai_agents.train import FINAL_MODEL

    model_path = run.directory / FINAL_MODEL
    model_digest = file_digest(model_path)
    model = None
    rows = []
    for test_set in test_sets:
        key = {"model_sha256": model_digest, "levels_sha256": levels_digest(test_set),
               "episodes": episodes, "seed": EVAL_SEED}
        cache = run.directory / EVAL_CACHE / f"{test_set.name}.json"
        result = read_cached(cache, key)
        if result is None:
            if model is None:
                model = load_model(model_path)
            result = evaluation.evaluate(model, [test_set.levels], episodes,
                                         seed=EVAL_SEED)[0].to_json()
            cache.parent.mkdir(exist_ok=True)
            write_text_atomically(cache, json.dumps({"key": key, "result": result}, indent=2))
        rows.append({"condition": run.condition.label, "seed": run.seed,
                     "test_set": test_set.name, "win_rate": result["win_rate"],
                     "mean_score": result["mean_score"], "episodes": result["episodes"]})
    return rows


def read_cached(path: Path, key: dict[str, Any]) -> dict[str, Any] | None:
    try:
        cached = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return cached["result"] if cached.get("key") == key else None


def complete_run(run: Run, test_sets: list[TestSet], episodes: int) -> list[dict[str, Any]]:
    """Train (if needed) and evaluate one run, its output going to its log file."""
    run.log.parent.mkdir(parents=True, exist_ok=True)
    with open(run.log, "a") as log, redirect_stdout(log), redirect_stderr(log):
        ensure_trained(run.config)
        return evaluate_run(run, test_sets, episodes)


def complete_runs(runs: list[Run], test_sets: list[TestSet], config: StudyConfig
                  ) -> list[dict[str, Any]]:
    """Every run's rows (condition by condition), ``jobs`` runs at a time; a failed run does
    not stop the others, and the failures are reported together at the end."""
    rows: dict[int, list[dict[str, Any]]] = {}
    failures = []
    bar = tqdm(total=len(runs), desc=f"study {config.game}", unit="run", dynamic_ncols=True)

    def record(index: int, outcome: list[dict[str, Any]] | BaseException) -> None:
        run = runs[index]
        if isinstance(outcome, BaseException):
            failures.append(f"{run.directory}: {type(outcome).__name__}: {outcome} "
                            f"(log: {run.log})")
        else:
            rows[index] = outcome
        bar.set_postfix_str(f"{run.condition.label} s{run.seed}", refresh=False)
        bar.update()

    with bar:
        try:
            if config.jobs == 1:
                for index, run in enumerate(runs):
                    try:
                        outcome = complete_run(run, test_sets, config.episodes)
                    except Exception as err:  # noqa: BLE001 - reported with the others below
                        outcome = err
                    record(index, outcome)
            else:
                complete_in_workers(runs, test_sets, config, record)
        except KeyboardInterrupt:
            # Said in the command's one line about the interruption (gvgai_py.cli).
            raise KeyboardInterrupt(INTERRUPTED) from None
    if failures:
        raise CLIError(f"{len(failures)} of {len(runs)} runs failed:\n  " + "\n  ".join(failures))
    by_condition = sorted(range(len(runs)), key=lambda i: (
        config.conditions.index(runs[i].condition), runs[i].seed))
    return [row for index in by_condition for row in rows[index]]


def complete_in_workers(runs: list[Run], test_sets: list[TestSet], config: StudyConfig,
                        record: Callable[[int, list[dict[str, Any]] | BaseException], None]
                        ) -> None:
    """:func:`complete_run` of each run in one of ``config.jobs`` worker processes, passing
    ``record`` the run's index and its rows or exception as each run ends.

    The workers end with this process (:func:`gvgai_py.processes.become_helper`). On Ctrl-C,
    which reaches them too, the runs not started are cancelled, and this process waits for
    the running ones to stop, each as a run stops in this process itself (see
    :func:`stop_worker`): within seconds, keeping its checkpoints.
    """
    # spawn: a forked child would inherit this process's threads (tqdm's monitor)
    context = multiprocessing.get_context("spawn")
    others = set(multiprocessing.active_children())  # the pool's workers are the ones to come
    with ProcessPoolExecutor(config.jobs, mp_context=context, initializer=become_helper,
                             initargs=(os.getpid(), stop_worker)) as pool:
        try:
            with interrupts_held():  # the workers start in submit()
                futures = {pool.submit(complete_run_in_worker, run, test_sets, config.episodes):
                           index for index, run in enumerate(runs)}
            for future in as_completed(futures):
                record(futures[future], future.exception() or future.result())
        except KeyboardInterrupt:
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


def complete_run_in_worker(run: Run, test_sets: list[TestSet], episodes: int
                           ) -> list[dict[str, Any]]:
    """:func:`complete_run` in a study worker, unless the study is stopping."""
    WORKER.running = True  # before looking at stopping: a SIGINT in between stops the run
    try:
        if WORKER.stopping:
            raise KeyboardInterrupt
        return complete_run(run, test_sets, episodes)
    finally:
        WORKER.running = False


# ------------------------------------------------------------------ statistics
def bootstrap_ci(
    samples: np.ndarray,
    confidence: float = CONFIDENCE,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of the mean over axis 0 of ``samples`` (``(n, ...)``:
    e.g. seeds x curve points): the ``(1 - confidence) / 2`` and ``(1 + confidence) / 2``
    quantiles of the means of ``resamples`` resamples of the n rows with replacement.

    A resample's mean is its row counts (multinomial) times the rows, divided by n, so that
    memory grows with ``resamples x points``, not ``resamples x n x points``.
    """
    samples = np.asarray(samples, dtype=float)
    n = samples.shape[0]
    counts = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=resamples)
    means = (counts @ samples.reshape(n, -1) / n).reshape(resamples, *samples.shape[1:])
    tail = (1.0 - confidence) / 2
    low, high = np.quantile(means, [tail, 1.0 - tail], axis=0)
    return low, high


@dataclass(frozen=True)
class Cell:
    """Mean and bootstrap CI over seeds of one condition on one test set."""

    values: np.ndarray
    """One value per seed."""

    @property
    def mean(self) -> float:
        return float(self.values.mean())

    @property
    def interval(self) -> tuple[float, float]:
        low, high = bootstrap_ci(self.values)
        return float(low), float(high)


def table(rows: list[dict[str, Any]], column: str) -> dict[tuple[str, str], Cell]:
    """``{(condition, test set): Cell}`` of ``column`` over seeds."""
    grouped: dict[tuple[str, str], list[float]] = {}
    for row in rows:
        grouped.setdefault((row["condition"], row["test_set"]), []).append(float(row[column]))
    return {key: Cell(np.array(values)) for key, values in grouped.items()}


# ------------------------------------------------------------------ reports
def write_results(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=RESULT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def summary(config: StudyConfig, test_sets: list[TestSet], rows: list[dict[str, Any]]) -> str:
    """``summary.md``: the study's settings, then one table per measure (rows: training
    conditions; columns: test sets; cells: mean over seeds [95% bootstrap CI])."""
    conditions = [c.label for c in config.conditions]
    names = [t.name for t in test_sets]
    cpc = "on" if config.default_cpc else "off"
    descriptions = [f"`{t.name}` ({len(t.levels.levels)} levels)" for t in test_sets]
    lines = [
        f"# Study: {config.game}, {config.algo}",
        "",
        f"- {config.steps} steps per run, seeds 0-{config.seeds - 1}, {config.n_envs} "
        f"environments; CPC {cpc} unless a condition says `+cpc`/`+nocpc`.",
        f"- Test sets: {', '.join(descriptions)}. Generated test levels use level seeds from "
        f"{TEST_LEVEL_SEEDS.start} up, which training never draws.",
        f"- Each model played {config.episodes} episodes per test set (levels in turn, "
        f"actions sampled from the policy, episode seeds from {EVAL_SEED}).",
        f"- Cells: mean over seeds [{CONFIDENCE:.0%} percentile bootstrap CI over seeds, "
        f"{BOOTSTRAP_RESAMPLES} resamples]; with few seeds it is coarse.",
    ]
    for title, column, digits in (("Win rate", "win_rate", 2), ("Mean score", "mean_score", 1)):
        cells = table(rows, column)
        lines += ["", f"## {title}", "", "| condition | " + " | ".join(names) + " |",
                  "|---" * (len(names) + 1) + "|"]
        for condition in conditions:
            texts = []
            for name in names:
                cell = cells[(condition, name)]
                low, high = cell.interval
                texts.append(f"{cell.mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]")
            lines.append(f"| {condition} | " + " | ".join(texts) + " |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ training curves
def read_scalars(tensorboard_dir: Path, tag: str) -> tuple[np.ndarray, np.ndarray] | None:
    """``(steps, values)`` of a scalar in a run's TensorBoard events, or None if not logged.
    A resumed run logs again from its checkpoint: later events replace earlier ones from the
    step where they restart."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    if not tensorboard_dir.is_dir():
        return None
    accumulator = EventAccumulator(str(tensorboard_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    if tag not in accumulator.Tags()["scalars"]:
        return None
    kept: list[tuple[int, float]] = []
    for event in sorted(accumulator.Scalars(tag), key=lambda e: e.wall_time):
        while kept and kept[-1][0] >= event.step:
            kept.pop()
        kept.append((event.step, event.value))
    steps, values = zip(*kept, strict=True)
    return np.array(steps, dtype=float), np.array(values, dtype=float)


def mean_curve(curves: list[tuple[np.ndarray, np.ndarray]]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(steps, mean, low, high)`` of curves logged at different steps: each is interpolated
    at :data:`CURVE_POINTS` steps over the range that all of them cover."""
    start = max(steps[0] for steps, _ in curves)
    end = min(steps[-1] for steps, _ in curves)
    grid = np.unique(np.linspace(start, end, CURVE_POINTS))
    values = np.stack([np.interp(grid, steps, curve) for steps, curve in curves])
    low, high = bootstrap_ci(values)
    return grid, values.mean(axis=0), low, high


def plot_curves(path: Path, runs: list[Run], tag: str, ylabel: str, title: str) -> bool:
    """One line per condition (mean over seeds, CI band) of ``tag``, a quantity in [0, 1];
    False, and no file, when no run logged it."""
    from matplotlib.figure import Figure  # Agg through Figure.savefig, no pyplot state

    from gvgai_agents.train import TENSORBOARD

    figure = Figure(figsize=(8, 5), layout="constrained")
    axes = figure.subplots()
    plotted = False
    for condition in dict.fromkeys(run.condition for run in runs):
        curves = [curve for run in runs if run.condition == condition
                  if (curve := read_scalars(run.directory / TENSORBOARD, tag)) is not None]
        if not curves:
            continue
        steps, mean, low, high = mean_curve(curves)
        line, = axes.plot(steps, mean, marker="o" if len(steps) == 1 else None,
                          label=f"{condition.label} ({len(curves)} seeds)")
        axes.fill_between(steps, low, high, color=line.get_color(), alpha=0.2)
        plotted = True
    if plotted:
        axes.set(xlabel="environment steps", ylabel=ylabel, title=title, ylim=(-0.02, 1.02))
        axes.legend(fontsize=8)
        figure.savefig(path, dpi=120)
    return plotted


def plot_test_win_rates(path: Path, config: StudyConfig, test_sets: list[TestSet],
                        rows: list[dict[str, Any]]) -> None:
    """Grouped bars: one group per test set, one bar per condition (mean over seeds, CI
    whiskers), each seed's own win rate as a dot."""
    from matplotlib.figure import Figure

    cells = table(rows, "win_rate")
    conditions = [c.label for c in config.conditions]
    width = 0.8 / len(conditions)
    figure = Figure(figsize=(2.0 + 1.2 * len(test_sets) * len(conditions) ** 0.5, 4.5),
                    layout="constrained")
    axes = figure.subplots()
    for i, condition in enumerate(conditions):
        x = np.arange(len(test_sets)) + (i - (len(conditions) - 1) / 2) * width
        group = [cells[(condition, t.name)] for t in test_sets]
        means = np.array([cell.mean for cell in group])
        intervals = np.array([cell.interval for cell in group])
        axes.bar(x, means, width, label=condition, ecolor="0.35", capsize=3,
                 yerr=[means - intervals[:, 0], intervals[:, 1] - means])
        for xi, cell in zip(x, group, strict=True):
            axes.scatter(np.full(len(cell.values), xi), cell.values, s=14, color="black",
                         edgecolors="white", linewidths=0.5, zorder=3)
    axes.set_xticks(np.arange(len(test_sets)), [t.name for t in test_sets])
    axes.set(ylim=(0, 1.05), ylabel="win rate",
             title=f"{config.game}: test win rates ({CONFIDENCE:.0%} CI over seeds)")
    axes.legend(fontsize=8, title="trained on", loc="upper left", bbox_to_anchor=(1, 1))
    figure.savefig(path, dpi=120)


# ------------------------------------------------------------------ the study
def claim_out(config: StudyConfig, force: bool = False) -> None:
    """Make ``config.out`` this study's folder, or refuse it before anything is written.

    It may be missing (it is created), an empty folder, or a study folder of the same game:
    the study continues there (and :func:`check_belongs` refuses runs trained with other
    settings). Any other folder is taken only with ``force`` (files the study writes there
    are overwritten); a file, or the folder of a study of another game, never.
    """
    out = config.out
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a study folder")
    check_folder(out)
    marker = out / STUDY_FILE
    if marker.is_file():
        try:
            found = json.loads(marker.read_text())
        except ValueError:  # not JSON, or not UTF-8
            found = None
        if not isinstance(found, dict) or found.get("format") != STUDY_FORMAT:
            raise OutputError(f"{marker} is not a gvgai study file ({STUDY_FORMAT})")
        if found.get("game") != config.game:
            raise OutputError(f"--out {out} holds a study of {found.get('game')}, not "
                              f"{config.game}: use another --out")
        return
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"--out {out} is a folder but not a study folder (it has no "
                          f"{STUDY_FILE}): add --force to write the study into it")
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomically(marker, json.dumps({"format": STUDY_FORMAT, "game": config.game}))


def run_study(config: StudyConfig, *, force: bool = False) -> list[Path]:
    """Run (or continue) the study; returns the report files written. ``force``: see
    :func:`claim_out`."""
    claim_out(config, force)
    test_sets = prepare_test_sets(config)
    runs = plan_runs(config, test_sets)
    rows = complete_runs(runs, test_sets, config)
    out = config.out
    write_results(out / RESULTS_FILE, rows)
    write_text_atomically(out / SUMMARY_FILE, summary(config, test_sets, rows))
    plot_test_win_rates(out / TEST_PLOT, config, test_sets, rows)
    written = [out / RESULTS_FILE, out / SUMMARY_FILE, out / TEST_PLOT]
    for name, tag, ylabel, title in (
        (WIN_RATE_PLOT, WIN_RATE_TAG, "training win rate (last 100 episodes)",
         f"{config.game}: win rate during training"),
        (DIFFICULTY_PLOT, DIFFICULTY_TAG, "difficulty",
         f"{config.game}: curriculum difficulty during training"),
    ):
        if plot_curves(out / name, runs, tag, ylabel, title):
            written.append(out / name)
    return written


# ------------------------------------------------------------------ files
def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def levels_digest(test_set: TestSet) -> str:
    return hashlib.sha256("\n".join(level.to_string() for level in test_set.levels.levels)
                          .encode()).hexdigest()
