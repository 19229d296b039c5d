"""``scripts/fidelity.py``: the random agent's statistics on the original levels."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from helpers import REPO

from gvgai_py import GAMES

SCRIPT = REPO / "scripts" / "fidelity.py"


def load_script():
    spec = importlib.util.spec_from_file_location("fidelity_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fidelity = load_script()


@pytest.mark.skipif(not (fidelity.REFERENCE / "levels").is_dir(),
                    reason=f"the Java reference (levels and statistics) is not in "
                           f"{fidelity.REFERENCE}")
def test_each_level_gets_its_own_episode_seeds(tmp_path):
    """Solarfox's random episodes hardly depend on the level: with the same seeds on every
    level, all five showed one mean length."""
    out = tmp_path / "fidelity.md"
    fidelity.main(["--episodes", "10", "--games", "solarfox", "--out", str(out)])
    rows = [line.split(" | ") for line in out.read_text().splitlines()
            if line.startswith("| solarfox |")]
    mean_lengths = {row[4].split(" / ")[0] for row in rows}
    assert len(rows) == 5 and len(mean_lengths) > 1, rows


def test_the_first_four_games_keep_the_episode_seeds_they_had_by_their_place_in_games():
    """Seeds once took a game's index in GAMES; the Java index keeps the first four's runs."""
    assert [fidelity.JAVA_GAME_INDEX[game] for game in list(GAMES)[:4]] == [0, 1, 2, 3]


@pytest.mark.skipif(not (fidelity.REFERENCE / "levels").is_dir(),
                    reason=f"the Java reference (levels and statistics) is not in "
                           f"{fidelity.REFERENCE}")
def test_a_game_measured_in_the_second_java_file_is_compared(tmp_path):
    game = "portals"  # its random episodes are the shortest of the seven
    if game not in GAMES:
        pytest.skip(f"{game} is not registered yet")
    out = tmp_path / "fidelity.md"
    fidelity.main(["--episodes", "5", "--games", game, "--out", str(out)])
    rows = [line for line in out.read_text().splitlines() if line.startswith(f"| {game} |")]
    assert len(rows) == 5
    # Java never wins Portals and always scores 0.
    assert all(" / 0.000 (" in row.split(" | ")[2] for row in rows), rows
