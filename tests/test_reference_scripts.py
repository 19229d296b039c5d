"""``make bench`` and ``make fidelity`` without the Java reference: one line that says what is
missing and where to get it, and a non-zero exit, instead of a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import REPO

from gvgai_py import GAMES

SCRIPTS = {
    "bench_env.py": "java_random_agent_timing.csv",
    "fidelity.py": "java_random_agent_stats_B10.csv",
}
LEVELS_URL = "github.com/GAIGResearch/GVGAI/tree/master/examples/gridphysics"


def run_script(name: str, reference) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / name), "--reference", str(reference)],
        capture_output=True, text=True, timeout=120, cwd=reference,
    )


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_an_empty_reference_folder_names_the_levels_and_the_csv(name, tmp_path):
    result = run_script(name, tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert f"{5 * len(GAMES)} original GVGAI levels are missing" in lines[0]
    assert LEVELS_URL in lines[0] and SCRIPTS[name] in lines[0]
    assert not (tmp_path / "fidelity.md").exists()


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_levels_without_the_java_measurements_name_only_the_csv(name, tmp_path):
    # Empty stand-ins: the check looks for the files, the scripts never get to read them.
    (tmp_path / "levels").mkdir()
    for game in GAMES:
        for number in range(5):
            (tmp_path / "levels" / f"{game}_lvl{number}.txt").touch()
    result = run_script(name, tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert SCRIPTS[name] in lines[0] and "levels are missing" not in lines[0]
