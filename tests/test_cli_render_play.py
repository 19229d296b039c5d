"""``gvgai render`` and ``gvgai play`` run as a user runs them: a subprocess, headless."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame
import pytest
from helpers import OUR_LEVELS_DIR

from gvgai_py.rendering import LABEL_HEIGHT

HEADLESS = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
GVGAI = Path(sys.executable).with_name("gvgai")
"""The installed command. (``python -m gvgai_py.cli`` would run the CLI module as ``__main__``,
a second copy whose ``CLIError`` is not the one the subcommands raise.)"""


def gvgai(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GVGAI), *args],
        capture_output=True, text=True, env=HEADLESS, cwd=cwd, timeout=120,
    )


@pytest.fixture(autouse=True)
def our_levels():
    if not (OUR_LEVELS_DIR / "zelda" / "lvl0.txt").exists():
        pytest.skip("levels/zelda/lvl0.txt not written yet")


def test_render_writes_the_same_png_each_time_and_a_grid_side_by_side(tmp_path):
    for name in ("a.png", "b.png"):
        done = gvgai("render", "zelda", "--level", "0", "--out", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
    single = (tmp_path / "a.png").read_bytes()
    assert single == (tmp_path / "b.png").read_bytes()
    assert pygame.image.load(str(tmp_path / "a.png")).get_size() == (130, 90)

    done = gvgai("render", "zelda", "--level", "0", "1", "--grid", "--scale", "2", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    grid = pygame.image.load(str(tmp_path / "zelda.png"))
    assert grid.get_size() == (2 * 260 + 20, 180 + LABEL_HEIGHT)
    under = pygame.surfarray.array3d(grid)[:, 180:]  # (x, y, rgb): the strips of level names
    assert under[:260].any() and under[280:].any()
    assert not np.array_equal(under[:260], under[280:])  # "level 0", "level 1"


def test_play_records_a_headless_session_and_replay_reproduces_it(tmp_path):
    recording = tmp_path / "session.json"
    done = gvgai("play", "boulderdash", "--seed", "4", "--fps", "0", "--max-frames", "30",
                 "--record", str(recording))
    assert done.returncode == 0, done.stderr
    assert "episode 1: level 0 (seed 4): unfinished" in done.stdout
    done = gvgai("play", "boulderdash", "--replay", str(recording), "--fps", "0")
    assert done.returncode == 0, done.stderr
    assert "after 30 ticks - as recorded" in done.stdout

    data = json.loads(recording.read_text())
    data["episodes"][0]["score"] += 1
    recording.write_text(json.dumps(data))
    done = gvgai("play", "boulderdash", "--replay", str(recording), "--fps", "0")
    assert done.returncode == 1
    assert "MISMATCH" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "pacman"], "unknown game 'pacman'"),
        (["render", "zelda", "--level", "7"], "level index must be 0-4"),
        (["render", "zelda", "--level", "missing.txt"], "missing.txt: cannot read the level file"),
        (["render", "zelda", "--level", "0", "1"], "several levels need --grid"),
        (["render", "frogs", "--out", "."], ". is a folder, not a file"),
        (["play", "pacman", "--max-frames", "1"], "unknown game 'pacman'"),
        (["play", "zelda", "--replay", "missing.json"], "No such file or directory"),
        (["play", "zelda", "--level", "3", "--scale", "0"], "--scale must be at least 1"),
        (["play", "zelda", "--difficulty", "1.5"], "--difficulty must be in [0, 1]"),
        (["play", "zelda", "--level", "2", "--difficulty", "0.5"], "cannot be combined"),
    ],
)
def test_bad_input_is_one_line_on_stderr_with_exit_status_2(args, message, tmp_path):
    done = gvgai(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_a_level_file_for_another_game_names_the_line_and_column(tmp_path):
    frogs_level = OUR_LEVELS_DIR / "frogs" / "lvl0.txt"
    done = gvgai("render", "zelda", "--level", str(frogs_level), cwd=tmp_path)
    assert done.returncode == 2
    assert "lvl0.txt:" in done.stderr and "unknown character" in done.stderr


@pytest.mark.parametrize("command", ["render", "play"])
def test_help(command):
    done = gvgai(command, "--help")
    assert done.returncode == 0 and "--level" in done.stdout


def test_version_is_the_installed_distributions():
    done = gvgai("--version")
    assert done.returncode == 0
    assert done.stdout.split() == ["gvgai_py", importlib.metadata.version("gvgai_py")]
