"""``gvgai study --ray``: a tiny grid through the Ray backend on a local Ray of two CPUs (one
session for the module): the same results as the local backend, a failed run that does not
stop the other, and a re-run that skips the finished one."""

import shutil
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the Ray backend needs Ray: pip install 'gvgai_py[ray]'")

from gvgai_agents import study  # noqa: E402 - only once Ray is known to be there
from gvgai_agents.errors import RunsFailedError  # noqa: E402
from gvgai_agents.study import (  # noqa: E402
    LOCAL_RAY,
    RESULT_COLUMNS,
    StudyConfig,
    parse_conditions,
    run_study,
)

GAME = "zelda"
TEST_SETS = ("human", "pcg_0.5", "pcg_1")


@pytest.fixture(scope="module")
def ray_session():
    """A local Ray as CI starts it; the studies below use it and leave it running."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def config(out: Path, **changes) -> StudyConfig:
    """Two smoke runs (seeds 0 and 1 of condition 0+cpc), on Ray unless ``ray=None``."""
    return StudyConfig(GAME, parse_conditions("0+cpc"), out, seeds=2, smoke=True,
                       **{"ray": LOCAL_RAY, "jobs": 2, **changes})


def state(run_dir: Path) -> tuple[int, int]:
    """What a run's re-run would change: its model file's mtime and its log's size."""
    return ((run_dir / "model.zip").stat().st_mtime_ns,
            (run_dir.parent / f"{run_dir.name}.log").stat().st_size)


@pytest.fixture(scope="module")
def ray_study(ray_session, tmp_path_factory) -> dict:
    """The story of a Ray study: seed 0's folder holds a broken checkpoint, so that run
    fails while seed 1 trains; then the broken folder is removed and the study re-run."""
    out = tmp_path_factory.mktemp("ray_study")
    broken = out / "runs" / "0+cpc" / "s0" / "checkpoints"
    broken.mkdir(parents=True)
    (broken / "step_000000000128.zip").write_bytes(b"not a model")
    with pytest.raises(RunsFailedError) as failed:
        run_study(config(out), force=True)  # force: out is not yet a study folder
    story = {"out": out, "error": str(failed.value), "s1": out / "runs" / "0+cpc" / "s1"}
    story["s1 after the failure"] = state(story["s1"])
    story["results after the failure"] = (out / study.RESULTS_FILE).exists()
    shutil.rmtree(broken.parent)
    run_study(config(out))
    story["s1 after the rerun"] = state(story["s1"])
    return story


def test_a_failed_run_is_reported_and_the_other_finishes(ray_study):
    [headline, line] = ray_study["error"].splitlines()
    assert headline == "1 of 2 runs failed:"
    assert str(ray_study["out"] / "runs" / "0+cpc" / "s0") in line
    assert "step_000000000128.zip" in line and "RayTaskError" not in line, "the run's own error"
    for test_set in TEST_SETS:
        assert (ray_study["s1"] / "study_eval" / f"{test_set}.json").is_file()
    assert not ray_study["results after the failure"], "no report of a study with a failure"


def test_a_rerun_skips_the_finished_run_and_completes_the_study(ray_study):
    assert ray_study["s1 after the rerun"] == ray_study["s1 after the failure"]
    assert (ray_study["out"] / "runs" / "0+cpc" / "s0" / "model.zip").is_file()
    for name in (study.SUMMARY_FILE, study.TEST_PLOT, study.WIN_RATE_PLOT):
        assert (ray_study["out"] / name).stat().st_size > 0, name


def test_ray_results_are_those_of_the_local_backend(ray_study, tmp_path):
    """Same runs, same seeds, same threads: the local backend, on the Ray study's test levels,
    writes the same results.csv, header and values."""
    local = tmp_path / "local"
    local.mkdir()
    for name in (study.STUDY_FILE, study.TEST_LEVELS):
        source = ray_study["out"] / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, local / name)
    run_study(config(local, ray=None, jobs=1))
    ray_results = (ray_study["out"] / study.RESULTS_FILE).read_text()
    assert ray_results.splitlines()[0] == ",".join(RESULT_COLUMNS)
    assert ray_results == (local / study.RESULTS_FILE).read_text()
