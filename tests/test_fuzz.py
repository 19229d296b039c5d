"""Short fuzzing: seeded random play on every level (ours where present, and the originals),
checked by the same invariants as ``scripts/fuzz.py``, and a tiny run of that script."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest
from helpers import REPO

SCRIPT = REPO / "scripts" / "fuzz.py"
STEPS_PER_LEVEL = 300


def load_script():
    spec = importlib.util.spec_from_file_location("fuzz_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fuzz = load_script()


@pytest.mark.parametrize(
    "level", fuzz.level_files(), ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_random_play_keeps_every_invariant(level):
    env = fuzz.make_env(level, max_steps=STEPS_PER_LEVEL // 2)
    played, seed, problems = 0, 0, []
    while played < STEPS_PER_LEVEL:
        for step, step_problems in enumerate(fuzz.episode(env, seed), start=1):
            problems += [f"seed {seed} step {step}: {p}" for p in step_problems]
        played += step
        seed += 1
    assert problems == []


def run_script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.skipif(not fuzz.level_files(), reason="no levels to fuzz")
def test_the_fuzz_script_reports_its_speed_and_replays_an_episode():
    run = run_script("--steps", "200", "--seed", "3")
    assert run.returncode == 0, run.stderr
    assert "200 steps" in run.stdout and "steps/s" in run.stdout and "0 violations" in run.stdout
    replay = run_script("--level", str(fuzz.level_files()[0]), "--episode-seed", "5")
    assert replay.returncode == 0, replay.stderr
    assert "0 violations" in replay.stdout
