"""Checkpoints are one unit: ``gvgai train --resume`` restores a checkpoint with its replay
buffer and curriculum, or refuses in one line; a process killed while writing one leaves a
resumable unit; crafted side files and checkpoints run no code.

One run serves them all: DQN (a replay buffer) on PPCG levels (a curriculum).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from payloads import (
    npz_with_object_array,
    pickled,
    replace_data_fields,
    replace_entry,
    sb3_serialized,
    torch_saved,
)
from test_train_cli import expect_one_line_error

from gvgai_agents.checkpoints import (
    CURRICULUM_SUFFIX,
    REPLAY_BUFFER_SUFFIX,
    STAGES,
    STOP_AT_VARIABLE,
    latest_checkpoint,
)
from gvgai_py.cli import main

pytest.importorskip("gvgai_generators.curriculum")

STEPS, EVERY, N_ENVS = 320, 160, 2
SAVED_DIFFICULTY = 0.5
"""Written into the run's newest checkpoint: random play would keep PPCG at 0, which could not
tell a restored curriculum from a restarted one."""


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    logdir = tmp_path_factory.mktemp("runs")
    assert main(["train", "zelda", "--algo", "dqn", "--no-cpc", "--levels", "ppcg",
                 "--eval-levels", "--n-envs", str(N_ENVS), "--vec-env", "dummy",
                 "--max-episode-steps", "20", "--steps", str(STEPS), "--checkpoint-every",
                 str(EVERY), "--logdir", str(logdir), "--run-name", "run"]) == 0
    run_dir = logdir / "run"
    curriculum = latest_checkpoint(run_dir / "checkpoints").with_suffix(CURRICULUM_SUFFIX)
    state = json.loads(curriculum.read_text())
    curriculum.write_text(json.dumps({**state, "difficulty": SAVED_DIFFICULTY}))
    return run_dir


@pytest.fixture
def run_dir(finished_run, tmp_path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(finished_run, copy)
    return copy


def difficulty(checkpoint: Path) -> float:
    return json.loads(checkpoint.with_suffix(CURRICULUM_SUFFIX).read_text())["difficulty"]


def replay_rows(checkpoint: Path) -> int:
    with np.load(checkpoint.with_suffix(REPLAY_BUFFER_SUFFIX)) as saved:
        return int(saved["pos"])


def kill_while_checkpointing(run_dir: Path, stage: str) -> None:
    """Resume the run in a subprocess that stops itself at ``stage`` of its first checkpoint,
    and kill it there (SIGKILL: no handler, no cleanup)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gvgai_py.cli", "train", "--resume", str(run_dir), "--steps",
         str(STEPS + 2 * EVERY)],
        env={**os.environ, STOP_AT_VARIABLE: stage}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        _, status = os.waitpid(process.pid, os.WUNTRACED)
        assert os.WIFSTOPPED(status), f"the run ended (status {status}) instead of stopping"
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize("stage", STAGES)
def test_a_run_killed_while_checkpointing_resumes_with_all_its_state(run_dir, stage):
    kill_while_checkpointing(run_dir, stage)
    newest = latest_checkpoint(run_dir / "checkpoints")
    # The model, written last, marks the unit complete.
    assert newest.name == f"step_{STEPS + EVERY if stage == 'model' else STEPS:012d}.zip"
    saved_difficulty, saved_rows = difficulty(newest), replay_rows(newest)
    assert saved_difficulty > SAVED_DIFFICULTY - 0.2

    resumed_from = int(newest.stem.split("_")[1])
    final_steps = resumed_from + 32  # a few episodes: PPCG moves by 0.01 per episode
    assert main(["train", "--resume", str(run_dir), "--steps", str(final_steps)]) == 0
    final = latest_checkpoint(run_dir / "checkpoints")
    final_step = int(final.stem.split("_")[1])
    assert final_step >= final_steps
    assert abs(difficulty(final) - saved_difficulty) <= 0.05
    assert saved_rows > 0
    assert replay_rows(final) == saved_rows + (final_step - resumed_from) // N_ENVS
    assert not list(run_dir.rglob("*.tmp"))
    side_files = sorted(p.name for p in (run_dir / "checkpoints").glob("*.*.*"))
    assert side_files == [final.with_suffix(s).name for s in (CURRICULUM_SUFFIX,
                                                                REPLAY_BUFFER_SUFFIX)]


def files(run_dir: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}


@pytest.mark.parametrize("suffix, what", [(CURRICULUM_SUFFIX, "curriculum"),
                                          (REPLAY_BUFFER_SUFFIX, "replay buffer")])
def test_resume_refuses_a_checkpoint_without_a_side_file(run_dir, capsys, suffix, what):
    latest_checkpoint(run_dir / "checkpoints").with_suffix(suffix).unlink()
    before = files(run_dir)
    expect_one_line_error(capsys, ["train", "--resume", str(run_dir), "--steps", "640"],
                          f"lacks its {what}")
    assert files(run_dir) == before


@pytest.mark.parametrize("suffix, old_suffix", [(CURRICULUM_SUFFIX, ".curriculum.pkl"),
                                                (REPLAY_BUFFER_SUFFIX, ".replay.pkl")])
def test_resume_never_loads_the_pickles_of_older_versions(run_dir, tmp_path, capsys, suffix,
                                                          old_suffix):
    marker = tmp_path / "ran"
    newest = latest_checkpoint(run_dir / "checkpoints")
    newest.with_suffix(suffix).unlink()
    newest.with_suffix(old_suffix).write_bytes(pickled(marker))
    expect_one_line_error(capsys, ["train", "--resume", str(run_dir), "--steps", "640"],
                          "is a pickle written by an older gvgai")
    assert not marker.exists()


@pytest.mark.parametrize("suffix", [CURRICULUM_SUFFIX, REPLAY_BUFFER_SUFFIX])
def test_side_files_with_code_fail_in_one_line_and_run_nothing(run_dir, tmp_path, capsys,
                                                              suffix):
    marker = tmp_path / "ran"
    content = pickled(marker) if suffix == CURRICULUM_SUFFIX else npz_with_object_array(marker)
    latest_checkpoint(run_dir / "checkpoints").with_suffix(suffix).write_bytes(content)
    expect_one_line_error(capsys, ["train", "--resume", str(run_dir), "--steps", "640"],
                          "is unreadable")
    assert not marker.exists()


@pytest.mark.parametrize("place", ["gvgai", "policy_class", "replay_buffer_class",
                                   "policy.pth", "policy.optimizer.pth"])
def test_resume_from_a_checkpoint_with_code_runs_nothing(run_dir, tmp_path, capsys, place):
    """Code in a field that SB3 pickles is never decoded; where we read, it is refused."""
    marker = tmp_path / "ran"
    newest = latest_checkpoint(run_dir / "checkpoints")
    if place.endswith(".pth"):
        replace_entry(newest, place, torch_saved(marker))
    else:
        replace_data_fields(newest, **{place: sb3_serialized(marker)})
    args = ["train", "--resume", str(run_dir), "--steps", str(STEPS + 32)]
    if place == "gvgai" or place.endswith(".pth"):
        expect_one_line_error(capsys, args, "not a readable gvgai model")
    else:
        assert main(args) == 0
    assert not marker.exists()
