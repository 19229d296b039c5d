"""``gvgai generate``: verified levels to files or to the terminal, and its input errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gvgai_generators import generate_verified
from gvgai_py import Level
from gvgai_py.cli import main


def test_writes_exactly_the_requested_verified_levels(tmp_path):
    out = tmp_path / "new" / "levels"
    assert main(["generate", "zelda", "--difficulty", "0.3", "--count", "3",
                 "--seed", "40", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["zelda_0.txt", "zelda_1.txt", "zelda_2.txt"]
    for i in range(3):
        written = Level.from_file(out / f"zelda_{i}.txt", "zelda")
        assert written == generate_verified("zelda", 0.3, 40 + i)[0]


def test_show_prints_the_levels_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "Solarfox", "--difficulty", "1", "--count", "2", "--show"]) == 0
    printed = capsys.readouterr().out
    for seed in (0, 1):
        assert generate_verified("solarfox", 1.0, seed)[0].to_string() in printed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("args", "message"), [
    (["mario", "--show"], "unknown game 'mario'"),
    (["zelda", "--difficulty", "1.5", "--show"], "--difficulty must be in [0, 1]"),
    (["zelda", "--difficulty", "nan", "--show"], "--difficulty must be in [0, 1]"),
    (["zelda", "--count", "0", "--show"], "--count must be at least 1"),
    (["zelda", "--seed", "-2", "--show"], "--seed must be 0 or more"),
    (["zelda"], "exactly one of --out DIR and --show"),
])
def test_bad_input_is_one_line_and_exit_status_2(args, message, capsys, tmp_path):
    assert main(["generate", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_out_must_not_be_a_file(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    assert main(["generate", "frogs", "--out", str(target)]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert target.read_text() == "x"


def test_the_installed_command_line_runs_generate(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gvgai_py.cli", "generate", "boulderdash", "--difficulty", "0",
         "--count", "1", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["boulderdash_0.txt"]
