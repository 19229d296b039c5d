"""The level map: features of tiny hand-made levels, the PCA projection, ``gvgai levels map``."""

import math

import numpy as np
import pytest

from gvgai_agents.level_map import (
    feature_names,
    game_level_files,
    level_features,
    nearest_distance,
    project,
)
from gvgai_py import Level
from gvgai_py.cli import main

ZELDA = """\
wwwww
wA.+w
ww.ww
wg..w
wwwww
"""
"""Avatar to key: 2 steps right; key to door: left, down, down, left = 4 steps."""


def features_of(text: str, game: str) -> dict[str, float]:
    level = Level.from_string(text, game)
    return dict(zip(feature_names(game), level_features(level), strict=True))


def test_features_of_a_tiny_zelda_level():
    features = features_of(ZELDA, "zelda")
    assert (features["rows"], features["cols"]) == (5, 5)
    assert features["count/wall"] == 18
    assert features["count/floor"] == 7  # every non-wall cell has floor under it
    assert (features["count/key"], features["count/goal"], features["count/nokey"]) == (1, 1, 1)
    assert features["count/monsterQuick"] == 0
    assert features["openness"] == pytest.approx(7 / 25)
    assert features["path_length"] == 2 + 4


def test_a_wall_across_the_route_leaves_the_path_undefined():
    walled = ZELDA.replace("ww.ww", "wwwww")
    assert math.isnan(features_of(walled, "zelda")["path_length"])


def test_games_without_a_route_have_no_path_feature():
    level = Level.from_string("wwww\nwAbw\nwwww\n", "solarfox")
    names = feature_names("solarfox")
    assert "path_length" not in names
    assert len(level_features(level)) == len(names)


def test_projection_finds_the_direction_the_levels_vary_along():
    rng = np.random.default_rng(0)
    position = rng.uniform(-1, 1, 50)
    features = np.column_stack([position, -2 * position, np.full(50, 3.0)])
    features[:, :2] += rng.normal(0, 1e-3, (50, 2))
    projection = project(features)
    assert projection.explained[0] == pytest.approx(1.0, abs=1e-3)
    assert abs(np.corrcoef(projection.coords[:, 0], position)[0, 1]) == pytest.approx(1, 1e-4)
    assert projection.loadings[0, 2] == pytest.approx(0.0)  # a constant feature weighs nothing


def test_an_undefined_feature_takes_its_mean_and_does_not_spread_nan():
    features = np.array([[1.0, 2.0], [3.0, np.nan], [5.0, 6.0]])
    projection = project(features)
    assert np.isfinite(projection.coords).all()
    assert projection.standardised[1, 1] == pytest.approx(0.0)  # the mean, standardised


def test_nearest_distance_skips_a_point_itself_when_asked():
    points = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 0.0]])
    assert nearest_distance(points, points, same=True).tolist() == [3.0, 4.0, 3.0]
    assert nearest_distance(points[:1] + 1, points).tolist() == [pytest.approx(math.sqrt(2))]


def test_extra_level_folders_give_the_games_own_files(tmp_path):
    for name in ("zelda_lvl0.txt", "zelda_lvl1.txt", "frogs_lvl0.txt", "notes.md"):
        (tmp_path / name).write_text(ZELDA)
    assert [f.name for f in game_level_files("zelda", tmp_path)] == \
        ["zelda_lvl0.txt", "zelda_lvl1.txt"]
    own = tmp_path / "own"
    own.mkdir()
    (own / "a.txt").write_text(ZELDA)
    assert [f.name for f in game_level_files("zelda", own)] == ["a.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no .txt"):
        game_level_files("zelda", empty)


def test_levels_map_command_draws_the_map_and_reports_coverage(tmp_path, capsys):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "zelda_tiny.txt").write_text(ZELDA)
    out = tmp_path / "map.png"
    assert main(["levels", "map", "zelda", "--count", "4", "--out", str(out),
                 "--extra-levels", str(extra)]) == 0
    assert out.stat().st_size > 0
    report = capsys.readouterr().out
    for label in ("lvl0", "lvl4", "zelda_tiny"):
        assert label in report


def test_levels_map_rejects_an_unknown_game(capsys):
    assert main(["levels", "map", "pacman"]) == 2
    assert "unknown game" in capsys.readouterr().err


def test_levels_map_overwrites_an_existing_image_only_with_force(tmp_path, capsys):
    out = tmp_path / "map.png"
    out.write_bytes(b"the user's picture")
    assert main(["levels", "map", "zelda", "--count", "2", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"the user's picture"
    assert main(["levels", "map", "zelda", "--count", "2", "--out", str(out), "--force"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
