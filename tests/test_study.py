"""``gvgai study``: the smoke study end to end, re-runs that skip finished work, the seed
separation of test levels, the bootstrap intervals and the training curves."""

import csv
import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gvgai_agents import study
from gvgai_agents.errors import ConfigError
from gvgai_agents.study import (
    RESULT_COLUMNS,
    SMOKE_BUDGET,
    TEST_LEVEL_SEEDS,
    StudyConfig,
    bootstrap_ci,
    mean_curve,
    parse_conditions,
    read_scalars,
    run_study,
)
from gvgai_py.outputs import OutputError

GAME = "zelda"
CONDITIONS = "0+cpc,1+nocpc"
SEEDS = 2
TEST_SETS = ("human", "pcg_0.5", "pcg_1")


def smoke_config(out: Path) -> StudyConfig:
    """The configuration the smoke study below runs with."""
    return StudyConfig(GAME, parse_conditions(CONDITIONS), out, seeds=SEEDS, smoke=True)


@pytest.fixture(scope="module")
def smoke_out(tmp_path_factory) -> Path:
    """A finished smoke study, run through the command line with two jobs."""
    out = tmp_path_factory.mktemp("study")
    completed = subprocess.run(
        [sys.executable, "-m", "gvgai_py.cli", "study", GAME, "--conditions", CONDITIONS,
         "--seeds", str(SEEDS), "--smoke", "--jobs", "2", "--out", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return out


@pytest.fixture
def study_copy(smoke_out, tmp_path) -> Path:
    """A private copy of the smoke study, for tests that change it."""
    return Path(shutil.copytree(smoke_out, tmp_path / "study"))


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


class Calls:
    """Counts the calls of a function it wraps (or refuses them, ``allowed=False``)."""

    def __init__(self, function, allowed: bool = True) -> None:
        self.function = function
        self.allowed = allowed
        self.args: list[tuple] = []

    def __call__(self, *args, **kwargs):
        assert self.allowed, f"{self.function.__name__} was called"
        self.args.append(args)
        return self.function(*args, **kwargs)


@pytest.fixture
def counted(monkeypatch):
    """The trainer and the evaluator, counted: ``counted["train"].args`` etc."""
    from gvgai_agents import evaluate, train

    calls = {"train": Calls(train.train), "resume": Calls(train.resume),
             "evaluate": Calls(evaluate.evaluate)}
    monkeypatch.setattr(train, "train", calls["train"])
    monkeypatch.setattr(train, "resume", calls["resume"])
    monkeypatch.setattr(evaluate, "evaluate", calls["evaluate"])
    return calls


# ------------------------------------------------------------------ the smoke study
def test_smoke_study_writes_every_report_with_the_documented_columns(smoke_out):
    for name in (study.RESULTS_FILE, study.SUMMARY_FILE, study.TEST_PLOT, study.WIN_RATE_PLOT):
        assert (smoke_out / name).stat().st_size > 0, name
    with open(smoke_out / study.RESULTS_FILE, newline="") as file:
        assert tuple(next(csv.reader(file))) == RESULT_COLUMNS
    rows = read_rows(smoke_out / study.RESULTS_FILE)
    expected = {(c, str(s), t) for c in ("0+cpc", "1+nocpc") for s in range(SEEDS)
                for t in TEST_SETS}
    expected |= {(study.RANDOM_AGENT, "0", t) for t in TEST_SETS}
    assert {(r["condition"], r["seed"], r["test_set"]) for r in rows} == expected
    assert len(rows) == len(expected)
    for row in rows:
        assert 0.0 <= float(row["win_rate"]) <= 1.0
        assert int(row["episodes"]) == SMOKE_BUDGET["episodes"]


def test_summary_has_a_row_per_condition_and_a_column_per_test_set(smoke_out):
    text = (smoke_out / study.SUMMARY_FILE).read_text()
    win_rates = text.split("## Win rate")[1].split("##")[0]
    header, _, *rows = [line for line in win_rates.splitlines() if line.startswith("|")]
    assert [cell.strip() for cell in header.strip("|").split("|")] == ["condition", *TEST_SETS]
    assert [row.split("|")[1].strip() for row in rows] == ["0+cpc", "1+nocpc",
                                                           f"*{study.RANDOM_AGENT}*"]


def test_the_random_agents_row_is_its_play_of_the_same_episodes(smoke_out):
    from gvgai_agents.baselines import RandomAgent
    from gvgai_agents.evaluate import evaluate
    from gvgai_agents.study.runs import EVAL_SEED
    from gvgai_agents.study.test_sets import prepare_test_sets

    config = smoke_config(smoke_out)
    rows = {r["test_set"]: r for r in read_rows(smoke_out / study.RESULTS_FILE)
            if r["condition"] == study.RANDOM_AGENT}
    for test_set in prepare_test_sets(config):
        agent = RandomAgent(GAME, test_set.levels.max_size(GAME), config.max_episode_steps)
        [result] = evaluate(agent, [test_set.levels], config.episodes, seed=EVAL_SEED)
        row = rows[test_set.name]
        assert (float(row["win_rate"]), float(row["mean_score"]), int(row["episodes"])) == \
            (result.win_rate, result.mean_score, config.episodes)


def test_runs_are_evaluated_on_every_test_set_while_they_train(smoke_out):
    from gvgai_agents.train import TENSORBOARD

    for folder in ("0+cpc", "1+nocpc"):
        for seed in range(SEEDS):
            run_dir = smoke_out / "runs" / folder / f"s{seed}"
            for test_set in TEST_SETS:
                curve = read_scalars(run_dir / TENSORBOARD, f"eval/win_rate/{test_set}")
                assert curve is not None and len(curve[0]) >= 2, (run_dir, test_set)
    assert (smoke_out / study.HELD_OUT_PLOT).stat().st_size > 0


def test_each_run_trained_with_its_condition_and_seed(smoke_out):
    import json

    for folder, cpc in (("0+cpc", True), ("1+nocpc", False)):
        for seed in range(SEEDS):
            config = json.loads((smoke_out / "runs" / folder / f"s{seed}" / "config.json")
                                .read_text())["config"]
            assert (config["seed"], config["cpc"], config["levels"]) == \
                (seed, cpc, folder.split("+")[0])


# ------------------------------------------------------------------ seeds
def test_generated_test_levels_use_only_reserved_seeds(smoke_out):
    for test_set in TEST_SETS[1:]:
        files = sorted((smoke_out / study.TEST_LEVELS / test_set).glob("seed_*.txt"))
        seeds = [int(f.stem.removeprefix("seed_")) for f in files]
        assert len(seeds) == SMOKE_BUDGET["test_levels"]
        assert all(seed in TEST_LEVEL_SEEDS for seed in seeds)


@pytest.mark.parametrize("source_kwargs", [{}, {"mode": "uniform", "difficulty": 1.0},
                                           {"num_levels": 10}])
def test_training_level_sources_never_draw_a_test_seed(source_kwargs):
    from gvgai_agents.levels import PLR_LEVELS
    from gvgai_generators.pcg import SEED_SPACE, PCGLevelSource

    assert TEST_LEVEL_SEEDS.start >= max(SEED_SPACE, PLR_LEVELS)
    source = PCGLevelSource(GAME, **source_kwargs)
    rng = np.random.default_rng(0)
    for _ in range(8):
        source(rng)
        assert source.info()["level_seed"] < TEST_LEVEL_SEEDS.start


# ------------------------------------------------------------------ re-runs
def test_rerun_of_a_finished_study_trains_and_evaluates_nothing(study_copy, counted):
    before = read_rows(study_copy / study.RESULTS_FILE)
    (study_copy / study.RESULTS_FILE).unlink()
    run_study(smoke_config(study_copy))
    assert [len(c.args) for c in counted.values()] == [0, 0, 0]
    assert read_rows(study_copy / study.RESULTS_FILE) == before


def test_rerun_retrains_only_a_run_that_died_before_its_first_checkpoint(study_copy, counted):
    from gvgai_agents.train import CHECKPOINTS, FINAL_MODEL

    run_dir = study_copy / "runs" / "1+nocpc" / "s1"
    (run_dir / FINAL_MODEL).unlink()
    shutil.rmtree(run_dir / CHECKPOINTS)
    run_study(smoke_config(study_copy))
    [(config,)] = counted["train"].args
    assert (config.levels, config.cpc, config.seed) == ("1", False, 1)
    assert len(counted["resume"].args) == 0
    assert len(counted["evaluate"].args) == len(TEST_SETS)  # the new model only
    assert (run_dir / FINAL_MODEL).is_file()


def test_rerun_finishes_a_run_that_died_after_its_last_checkpoint(study_copy, counted):
    from gvgai_agents.train import FINAL_MODEL

    run_dir = study_copy / "runs" / "0+cpc" / "s0"
    (run_dir / FINAL_MODEL).unlink()
    run_study(smoke_config(study_copy))
    assert len(counted["train"].args) == len(counted["resume"].args) == 0
    assert (run_dir / FINAL_MODEL).is_file()


def test_a_study_refuses_runs_trained_with_other_settings(study_copy, counted):
    config = smoke_config(study_copy)
    config.steps *= 2
    with pytest.raises(OutputError, match="steps 256"):
        run_study(config)
    assert len(counted["train"].args) == 0


def test_an_extra_test_set_added_later_is_only_evaluated(study_copy, counted, tmp_path):
    from gvgai_agents.levels import parse_level_set

    extra = tmp_path / "more"
    extra.mkdir()
    for index in (1, 3):
        level = parse_level_set(GAME, str(index), training=False).levels[0]
        (extra / f"{GAME}_lvl{index}.txt").write_text(level.to_string())
    config = smoke_config(study_copy)
    config.extra_test_levels, config.extra_test_name = extra, "designed"
    run_study(config)
    assert len(counted["train"].args) == len(counted["resume"].args) == 0
    runs = len(CONDITIONS.split(",")) * SEEDS
    assert len(counted["evaluate"].args) == runs + 1, \
        "the new test set, for every model and the random agent"
    rows = read_rows(study_copy / study.RESULTS_FILE)
    assert sorted({row["test_set"] for row in rows}) == sorted((*TEST_SETS, "designed"))
    assert "| designed |" in (study_copy / study.SUMMARY_FILE).read_text()


# ------------------------------------------------------------------ conditions
def test_conditions_carry_their_own_cpc_and_level_lists():
    conditions = StudyConfig(GAME, parse_conditions("0+1+2,ppcg,ppcg+nocpc"), Path("x"),
                             algo="a2c", cpc=True).conditions
    assert [(c.levels, c.cpc, c.label) for c in conditions] == [
        ("0,1,2", True, "0+1+2"), ("ppcg", True, "ppcg"), ("ppcg", False, "ppcg+nocpc")]
    assert len({c.directory for c in conditions}) == 3
    assert StudyConfig(GAME, parse_conditions("ppcg"), Path("x"), cpc=False) \
        .conditions[0].cpc is False


@pytest.mark.parametrize(("preset", "cpc"), [("learns", False), ("cpc", True), ("paper", False)])
def test_conditions_without_a_suffix_take_the_presets_cpc(preset, cpc):
    [condition] = StudyConfig(GAME, parse_conditions("ppcg"), Path("x"), preset=preset).conditions
    assert condition.cpc is cpc


def test_two_conditions_naming_the_same_runs_are_refused():
    with pytest.raises(ConfigError, match="same runs"):
        StudyConfig(GAME, parse_conditions("ppcg,ppcg+nocpc"), Path("x"), algo="a2c")


# ------------------------------------------------------------------ statistics
def test_identical_values_give_a_zero_width_interval():
    low, high = bootstrap_ci(np.full(3, 0.4))
    assert low == pytest.approx(0.4) and high == pytest.approx(0.4)


def test_bootstrap_interval_matches_the_exact_resampling_distribution():
    values = np.array([0.0, 0.1, 0.5, 0.9])
    n = len(values)
    # Every one of the n**n equally likely resamples, and the quantiles of their means.
    exact = np.sort([values[list(picks)].mean()
                     for picks in itertools.product(range(n), repeat=n)])
    low, high = bootstrap_ci(values, resamples=20_000)
    assert np.quantile(exact, 0.02) <= low <= np.quantile(exact, 0.03)
    assert np.quantile(exact, 0.97) <= high <= np.quantile(exact, 0.98)


def test_bootstrap_over_curve_points_treats_each_point_alone():
    samples = np.random.default_rng(1).uniform(size=(3, 5))
    low, high = bootstrap_ci(samples)
    for point in range(samples.shape[1]):
        alone = bootstrap_ci(samples[:, point])
        assert (low[point], high[point]) == pytest.approx(alone)
    assert np.all(low <= samples.mean(axis=0)) and np.all(samples.mean(axis=0) <= high)


# ------------------------------------------------------------------ training curves
def write_scalars(directory: Path, tag: str, points: list[tuple[int, float]]) -> None:
    """TensorBoard events as SB3 writes them (one writer per training session)."""
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(directory))
    for step, value in points:
        writer.add_scalar(tag, value, step)
    writer.close()


def test_a_resumed_run_keeps_the_values_logged_after_the_restart(tmp_path):
    write_scalars(tmp_path, "rollout/win_rate", [(100, 0.1), (200, 0.2), (300, 0.3)])
    write_scalars(tmp_path, "rollout/win_rate", [(200, 0.5), (400, 0.6)])  # resumed at 200
    steps, values = read_scalars(tmp_path, "rollout/win_rate")
    assert steps.tolist() == [100, 200, 400]
    assert values.tolist() == pytest.approx([0.1, 0.5, 0.6])
    assert read_scalars(tmp_path, "curriculum/difficulty") is None


def test_mean_curve_averages_seeds_over_the_steps_all_of_them_cover():
    a = (np.array([0.0, 100.0, 200.0]), np.array([0.0, 0.5, 1.0]))
    b = (np.array([50.0, 150.0]), np.array([0.0, 0.0]))
    steps, mean, low, high = mean_curve([a, b])
    assert steps[0] == 50.0 and steps[-1] == 150.0
    assert mean == pytest.approx(np.interp(steps, *a) / 2)
    assert np.all(low <= mean) and np.all(mean <= high)


def test_curve_plots_only_the_conditions_that_logged_the_tag(tmp_path):
    config = StudyConfig(GAME, parse_conditions("ppcg,0"), tmp_path)
    runs = [config.run(condition, seed, []) for condition in config.conditions
            for seed in range(2)]
    for run in runs[:2]:  # the ppcg runs
        write_scalars(run.directory / "tb", study.DIFFICULTY_TAG,
                      [(0, 0.0), (100, 0.5 + 0.1 * run.seed)])
    assert not study.plot_curves(tmp_path / "none.png", runs, "other/tag", "y", "title")
    assert not (tmp_path / "none.png").exists()
    assert study.plot_curves(tmp_path / "d.png", runs, study.DIFFICULTY_TAG, "d", "title")
    assert (tmp_path / "d.png").stat().st_size > 0


# ------------------------------------------------------------------ backends and resources
def test_device_and_cpus_per_run_reach_every_run():
    config = StudyConfig(GAME, parse_conditions("0"), Path("x"), device="cpu", cpus_per_run=2.5)
    run = config.run(config.conditions[0], 0, [])
    assert (run.config.device, run.config.torch_threads) == ("cpu", 2)
    with pytest.raises(ConfigError, match="--device"):
        StudyConfig(GAME, parse_conditions("0"), Path("x"), device="gpu")


def test_gpus_per_run_without_ray_is_refused():
    with pytest.raises(ConfigError, match="--ray"):
        StudyConfig(GAME, parse_conditions("0"), Path("x"), gpus_per_run=0.5)


def test_ray_without_ray_installed_is_one_clear_error(monkeypatch):
    from gvgai_agents.study.backends import backend_for

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails, as where it is missing
    monkeypatch.delitem(sys.modules, "gvgai_agents.study.ray_backend", raising=False)
    config = StudyConfig(GAME, parse_conditions("0"), Path("x"), ray=study.LOCAL_RAY)
    with pytest.raises(ConfigError, match=r"pip install 'gvgai_py\[ray\]'"):
        backend_for(config)


def test_progress_counts_started_runs_and_their_checkpointed_steps(tmp_path):
    from gvgai_agents.study.progress import Progress

    config = StudyConfig(GAME, parse_conditions("0"), tmp_path, seeds=3, steps=1000)
    runs = [config.run(config.conditions[0], seed, []) for seed in range(3)]
    runs[0].log.parent.mkdir(parents=True)
    runs[0].log.write_text("an earlier session\n")
    with Progress(runs, done=set(), description="test") as progress:
        assert progress.running() == 0
        runs[0].log.write_text("an earlier session\nstarted again\n")
        (runs[0].directory / "checkpoints").mkdir(parents=True)
        (runs[0].directory / "checkpoints" / "step_000000000300.zip").touch()
        runs[1].log.write_text("started\n")
        assert progress.running() == 2
        progress.steps_per_second()
        assert progress.steps == [300, 0, 0]
        progress.finished(1, failed=False)
        assert progress.running() == 1 and progress.steps == [300, 1000, 0]
