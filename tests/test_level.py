"""The level format and its errors (docs/engine.md, "Levels, cells and pixels")."""

from __future__ import annotations

import ctypes
import os
import re
import resource
import signal
import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest
from helpers import ORIGINAL_LEVELS, ORIGINALS_MISSING, original_level

from gvgai_py import GAMES, Level, LevelError, env_id
from gvgai_py.engine import Game, LevelLayout
from gvgai_py.engine.registry import compiled

ZELDA_ROOM = "wwwww\nwA+gw\nwwwww\n"
CHILD_MEMORY = 2**30
"""Address space of a ``gvgai`` child process (it needs about 160 MB)."""
PR_SET_PDEATHSIG = 1
"""``prctl`` option (linux/prctl.h): the signal a child gets when its parent dies."""


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


def walled_room(rows: int, cols: int) -> str:
    """A Zelda level of ``rows`` x ``cols`` cells: walls around floor, the avatar in a corner."""
    inner = "w" + "." * (cols - 2) + "w"
    return "\n".join(["w" * cols, "wA" + inner[2:], *[inner] * (rows - 3), "w" * cols]) + "\n"


def load_room(text: str, via: str, tmp_path, **kwargs) -> Level:
    """``text`` loaded from a file or from a string; errors name ``tmp_path/room.txt`` either
    way."""
    path = tmp_path / "room.txt"
    if via == "file":
        path.write_text(text)
        return Level.from_file(path, "zelda", **kwargs)
    return Level.from_string(text, "zelda", source=str(path), **kwargs)


@pytest.mark.parametrize("via", ["file", "string"])
@pytest.mark.parametrize(
    ("rows", "cols", "where", "words"),
    [(257, 30, "257:1", "more than 256 rows"), (13, 257, "1:257", "more than 256 columns")],
)
def test_a_level_past_the_size_cap_names_the_first_row_or_column_past_it(
    tmp_path, via, rows, cols, where, words
):
    with pytest.raises(LevelError) as caught:
        load_room(walled_room(rows, cols), via, tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'room.txt'}:{where}: {words}")
    assert "GVGAI_MAX_LEVEL_SIZE=ROWSxCOLS" in message


@pytest.mark.parametrize("via", ["file", "string"])
def test_the_size_cap_is_set_by_max_size_or_the_environment(tmp_path, monkeypatch, via):
    tall = walled_room(300, 30)
    assert load_room(tall, via, tmp_path, max_size=(300, 30)).height == 300
    monkeypatch.setenv("GVGAI_MAX_LEVEL_SIZE", "300x30")
    assert load_room(tall, via, tmp_path).height == 300
    monkeypatch.setenv("GVGAI_MAX_LEVEL_SIZE", "10x40")
    with pytest.raises(LevelError, match=r"room.txt:11:1: more than 10 rows \(the cap is 10x40"):
        load_room(walled_room(13, 30), via, tmp_path)
    monkeypatch.setenv("GVGAI_MAX_LEVEL_SIZE", "big")
    with pytest.raises(ValueError, match="GVGAI_MAX_LEVEL_SIZE must be ROWSxCOLS"):
        load_room(ZELDA_ROOM, via, tmp_path)


def test_a_file_longer_than_any_level_within_the_cap_is_refused(tmp_path):
    # Carriage returns that end a line are dropped, so this is a 1x1 level, in more bytes than
    # any 1x1 level can take (6: a 4-byte character and CRLF).
    path = tmp_path / "room.txt"
    path.write_bytes(b"A" + b"\r" * 10)
    with pytest.raises(LevelError, match=rf"^{re.escape(str(path))}: more than 6 bytes"):
        Level.from_file(path, "zelda", max_size=(1, 1))


@pytest.mark.parametrize("case", ["directory", "missing", "under a file", "no read permission"])
def test_an_unreadable_level_file_is_a_one_line_level_error_naming_it(tmp_path, case):
    level = tmp_path / "room.txt"
    level.write_text(ZELDA_ROOM)
    path = {
        "directory": tmp_path,
        "missing": tmp_path / "missing.txt",
        "under a file": level / "room.txt",
        "no read permission": level,
    }[case]
    if case == "no read permission":
        level.chmod(0)
        if os.access(level, os.R_OK):
            pytest.skip("this user (root) reads files without read permission")
    with pytest.raises(LevelError) as caught:
        Level.from_file(path, "zelda")
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message


def bounded_child() -> None:
    """Run in a child before ``gvgai`` starts: a memory bound (the code before the size cap read
    /dev/zero until memory ran out) and death with the test process."""
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@pytest.mark.skipif(sys.platform != "linux", reason="FIFOs, /dev/zero and prctl are Linux's")
@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("fifo", ": a FIFO, device or socket, not a level file"),
        ("/dev/zero", ": a FIFO, device or socket, not a level file"),
        ("1 GiB file", ":1:257: more than 256 columns"),
    ],
)
def test_gvgai_refuses_a_fifo_a_device_or_a_huge_file_in_one_line(tmp_path, kind, words):
    """In a child process bounded in time and memory: before these checks, reading a FIFO
    blocked forever and reading /dev/zero or a huge file ran out of memory."""
    path = tmp_path / "level.txt"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "1 GiB file":
        with open(path, "wb") as sparse:
            sparse.truncate(2**30)
    else:
        path = kind
    done = subprocess.run(
        [sys.executable, "-m", "gvgai_py.cli", "render", "zelda", "--level", str(path),
         "--out", str(tmp_path / "out.png")],
        capture_output=True, text=True, timeout=60, preexec_fn=bounded_child,
        env={**os.environ, "SDL_VIDEODRIVER": "dummy"},
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert f"{path}{words}" in done.stderr


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
