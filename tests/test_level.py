"""The level format and its errors (RULES A1, section 0 on final newlines)."""

from __future__ import annotations

import re

import gymnasium as gym
import numpy as np
import pytest
from helpers import ORIGINAL_LEVELS, ORIGINALS_MISSING, original_level

from gvgai_py import GAMES, Level, LevelError, env_id
from gvgai_py.engine import Game, LevelLayout
from gvgai_py.engine.registry import compiled

ZELDA_ROOM = "wwwww\nwA+gw\nwwwww\n"


@pytest.mark.parametrize(
    ("content", "where", "words"),
    [
        (b"wwwww\nwA?gw\nwwwww\n", "2:3", ["unknown character '?'"]),
        (b"wwwww\nw.+gw\nwwwww\n", "1:1", ["no avatar"]),
        (b"wwwww\nwA+gw\nwA..w\n", "3:2", ["more than one avatar", "line 2, col 2"]),
        (b"", "1:1", ["empty"]),
        (b"\n", "1:1", ["empty"]),
        (b"wwwww\nwA+gw\nw\xffwww\n", "3:2", ["0xff", "UTF-8"]),
        (b"wwwww\nwA+gw\nwwwwww\n", "3:6", ["wider than the first line"]),
    ],
)
def test_a_bad_level_file_names_file_line_and_column(tmp_path, content, where, words):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(LevelError) as caught:
        Level.from_file(path, "zelda")
    message = str(caught.value)
    assert message.startswith(f"{path}:{where}: ")
    for word in words:
        assert word in message


def test_an_unknown_character_error_lists_the_known_ones():
    with pytest.raises(LevelError) as caught:
        Level.from_string("wA?g+", "zelda", source="room.txt")
    known = re.search(r"known: (.*)\)", str(caught.value)).group(1)
    assert set(known.replace("and space", "").replace(",", "").split()) == set(
        GAMES["zelda"].legend
    )


def test_a_bad_level_stops_the_environment_before_it_exists(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("wwwww\nwA+gw\nwA..w\n")
    with pytest.raises(LevelError):
        gym.make(env_id("zelda"), level=str(path))


@pytest.mark.parametrize("ending", ["", "\n", "\r\n"])
def test_a_final_newline_is_optional_and_crlf_is_accepted(ending):
    text = ZELDA_ROOM.rstrip("\n").replace("\n", ending or "\n") + ending
    assert Level.from_string(text, "zelda").rows == ("wwwww", "wA+gw", "wwwww")


def test_short_lines_are_padded_with_spaces_that_create_nothing():
    level = Level.from_string("wwwww\nwA+gw\nww\n", "zelda")
    assert level.rows[2] == "ww   "
    assert (level.height, level.width) == (3, 5)
    game = Game(LevelLayout.from_rows(compiled(GAMES["zelda"]), list(level.rows)),
                np.random.default_rng(0))
    assert game.symbolic()[:, 2, 2:].sum() == 0


def test_game_names_are_case_insensitive():
    assert Level.from_string(ZELDA_ROOM, "ZELDA").game == "zelda"


def test_an_unknown_game_error_lists_the_known_games():
    with pytest.raises(ValueError) as caught:
        Level.from_string(ZELDA_ROOM, "tetris")
    assert all(game in str(caught.value) for game in GAMES)


def test_a_level_round_trips_through_its_text():
    level = Level.from_string("wwwww\nwA+gw\nww", "zelda")
    assert Level.from_string(level.to_string(), "zelda") == level
    assert level.to_string().endswith("\n")


@pytest.mark.skipif(not ORIGINAL_LEVELS.is_dir(), reason=ORIGINALS_MISSING)
@pytest.mark.parametrize("game", sorted(GAMES))
@pytest.mark.parametrize("index", range(5))
def test_every_original_level_loads_exactly_and_round_trips(game, index):
    path = original_level(game, index)
    level = Level.from_file(path, game)
    assert list(level.rows) == path.read_text().splitlines()
    assert Level.from_string(level.to_string(), game) == level
