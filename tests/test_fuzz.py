"""Short fuzzing: seeded random play on every level (ours where present, and the originals)
and on random levels, borderless ones included, checked by the same invariants as
``scripts/fuzz.py``, and tiny runs of that script. ``pytest -m slow`` plays 10,000 random
levels."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest
from helpers import REPO

from gvgai_py import GAMES, Level, env_id

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
    env = fuzz.level_file_env(level, max_steps=STEPS_PER_LEVEL // 2)
    played, seed, problems = 0, 0, []
    while played < STEPS_PER_LEVEL:
        for step, step_problems in enumerate(fuzz.episode(env, seed), start=1):
            problems += [f"seed {seed} step {step}: {p}" for p in step_problems]
        played += step
        seed += 1
    assert problems == []


@pytest.mark.parametrize("obs_type", ["symbolic", "ascii", "pixels"])
def test_the_reported_borderless_boulderdash_level_plays_to_the_end(obs_type):
    """A butterfly turned into a diamond above this level (no wall on top) used to raise."""
    level = Level.from_string("wwwe-\nwAwcb\nwww--\n", "boulderdash")
    env = gym.make(env_id("boulderdash"), level=level, obs_type=obs_type, max_steps=300)
    problems = [p for step in fuzz.checked(env.unwrapped, 6) for p in step]
    assert problems == []


def test_random_levels_borderless_ones_included_keep_every_invariant():
    assert fuzz.fuzz_random_levels(300, seed=0, max_steps=200) == 0


@pytest.mark.slow
def test_ten_thousand_random_levels_keep_every_invariant():
    assert fuzz.fuzz_random_levels(10_000, seed=1, max_steps=200) == 0


def test_random_levels_are_legal_of_every_size_and_half_without_a_border():
    levels = [fuzz.random_level(game, np.random.default_rng(seed))
              for game in GAMES for seed in range(100)]
    assert {(level.height, level.width) for level in levels} >= {(1, 1), (8, 12)}
    bordered = [lv for lv in levels if set(lv.rows[0] + lv.rows[-1]) == {"w"} and lv.height > 2]
    assert 0.3 < len(bordered) / len(levels) < 0.7


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


def test_the_fuzz_script_plays_random_levels_and_replays_one():
    run = run_script("--random-levels", "40", "--seed", "2", "--max-steps", "50")
    assert run.returncode == 0, run.stderr
    assert "40 random levels" in run.stdout and "0 violations" in run.stdout
    replay = run_script("--random-level", "7", "--seed", "2", "--max-steps", "50")
    assert replay.returncode == 0, replay.stderr
    game, *_ = fuzz.random_episode(7, 2)
    assert replay.stdout.startswith(game) and "0 violations" in replay.stdout
