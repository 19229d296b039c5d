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


def test_measurements_are_read_from_every_file_and_a_game_in_none_is_named(tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import bench_env
        import fidelity
    finally:
        sys.path.remove(str(REPO / "scripts"))
    (tmp_path / "levels").mkdir()
    for game in ("zelda", "aliens"):
        for number in range(5):
            (tmp_path / "levels" / f"{game}_lvl{number}.txt").touch()
    first, second = fidelity.STATISTICS
    columns = "game,level,episodes,win_rate,score_mean,score_std,ticks_mean,ticks_std\n"
    (tmp_path / first).write_text(columns + "zelda,0,200,0.5,1.0,0.5,10.0,2.0\n")
    missing = fidelity.missing_reference(tmp_path, ["zelda", "aliens"], fidelity.STATISTICS,
                                         fidelity.STATISTICS_COLUMNS)
    assert "of aliens are" in missing and second in missing and "levels" not in missing
    (tmp_path / second).write_text(columns + "aliens,3,200,0.2,40.0,9.0,400.0,80.0\n")
    assert fidelity.missing_reference(tmp_path, ["zelda", "aliens"], fidelity.STATISTICS,
                                      fidelity.STATISTICS_COLUMNS) is None
    assert set(fidelity.read_reference(tmp_path)) == {("zelda", 0), ("aliens", 3)}

    first, second = bench_env.TIMING
    columns = "variant,game,total_cycles,wall_seconds_incl_build_reset\n"
    (tmp_path / first).write_text(columns + "withNIL,zelda,100,2.0\nnoNIL,zelda,100,1.0\n")
    (tmp_path / second).write_text(columns + "withNIL,aliens,300,1.0\nwithNIL,aliens,100,1.0\n")
    assert bench_env.java_rates(tmp_path) == {"zelda": 50.0, "aliens": 200.0}
