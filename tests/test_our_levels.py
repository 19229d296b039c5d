"""Our hand-designed levels (``levels/<game>/lvl0..4.txt``) and their stored seed-0 witnesses.

Each level has the size and fixed layout of the originals (docs/engine.md, "The games"), is
no near-copy of any original, and its stored action sequence wins through ``gymnasium.make``.
"""

from __future__ import annotations

import json
from collections import Counter

import gymnasium as gym
import numpy as np
import pytest
from helpers import ORIGINALS_MISSING, original_level

import gvgai_py
from gvgai_generators.solvability.witnesses import solution_path
from gvgai_py import Level
from gvgai_py.envs import MAX_STEPS, builtin_level_path, start_game
from gvgai_py.envs import OUR_LEVELS as LEVELS_PER_GAME

SIZES = {
    "zelda": (9, 13), "frogs": (11, 28), "boulderdash": (13, 26), "solarfox": (11, 10),
    "butterflies": (11, 28), "chase": (11, 24), "survivezombies": (11, 19),
    "portals": (11, 19), "sokoban": (9, 13), "aliens": (11, 30), "missilecommand": (12, 24),
}
"""(rows, cols) of every level of a game, the size of its original levels (docs/engine.md, "The
games"; Butterflies' original level 4 has a 12th row, ours do not)..."""
GAMES = tuple(SIZES)
SIZE_EXCEPTIONS = {
    ("frogs", 4): (10, 28),
    ("sokoban", 2): (9, 11), ("sokoban", 3): (7, 7), ("sokoban", 4): (8, 9),
}
"""...except these, like the original Frogs level 4 and the Sokoban originals of the same index
(Sokoban's levels are rooms of any size). Portals' original level 3 has 10 rows, ours 11."""
MIN_CHANGED_INTERIOR = 0.25
"""Share of the cells inside the border in which a level must differ from every original of
the same size. The originals differ from one another in as little as 14%."""
LEVELS = [(game, index) for game in GAMES for index in range(LEVELS_PER_GAME)]


def load(game: str, index: int) -> Level:
    return Level.from_file(builtin_level_path(game, index), game)


def stored_solution(game: str, index: int) -> dict:
    return json.loads(solution_path(game, index).read_text())


def border(level: Level) -> str:
    rows = level.rows
    return rows[0] + rows[-1] + "".join(row[0] + row[-1] for row in rows)


@pytest.mark.parametrize(("game", "index"), LEVELS)
def test_level_parses_with_its_documented_size(game, index):
    level = load(game, index)
    assert level.game == game
    assert (level.height, level.width) == SIZE_EXCEPTIONS.get((game, index), SIZES[game])


@pytest.mark.parametrize(("game", "index"), LEVELS)
def test_stored_solution_wins_through_gymnasium(game, index):
    solution = stored_solution(game, index)
    assert (solution["game"], solution["level"], solution["seed"]) == (game, index, 0)
    env = gym.make(gvgai_py.env_id(game), level=index)
    env.reset(seed=solution["seed"])
    played = 0
    for action in solution["actions"]:
        _, _, terminated, truncated, info = env.step(action)
        played += 1
        if terminated or truncated:
            break
    env.close()
    assert info["won"], f"{game} lvl{index}: stored actions do not win"
    assert played == len(solution["actions"]), "the stored sequence should end on the winning step"
    assert info["score"] == solution["score"]


@pytest.mark.parametrize("game", GAMES)
def test_level_0_has_the_shortest_stored_solution(game):
    lengths = [len(stored_solution(game, index)["actions"]) for index in range(LEVELS_PER_GAME)]
    assert lengths[0] == min(lengths), f"{game}: witness lengths {lengths}"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_zelda_layout(index):
    level = load("zelda", index)
    counts = Counter("".join(level.rows))
    assert set(border(level)) == {"w"}
    assert counts["A"] == counts["+"] == counts["g"] == 1
    assert counts["1"] + counts["2"] + counts["3"] >= 1


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_frogs_layout(index):
    level = load("frogs", index)
    rows = level.rows
    assert set(rows[0]) == set(rows[-1]) == {"w"}
    (goal_row,) = {r for r, row in enumerate(rows) if "g" in row}
    assert goal_row == 1 and rows[1].count("g") == 1
    start_row = next(r for r, row in enumerate(rows) if "A" in row)
    assert start_row == level.height - 2, "the frog starts on the bottom grass row"
    spawners = {c for row in rows for c, char in enumerate(row) if char in "1234"}
    assert spawners and spawners <= {26, 27}, "logs come from the river's right edge"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_boulderdash_layout(index):
    level = load("boulderdash", index)
    counts = Counter("".join(level.rows))
    assert set(border(level)) == {"w"}
    assert counts["A"] == counts["e"] == 1
    assert counts["c"] == counts["b"] == 2
    assert counts["x"] >= 9 + 5, "a few diamonds to spare over the 9 the exit needs"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_solarfox_layout(index):
    rows = load("solarfox", index).rows
    assert rows[0] == "w2.......w" and rows[-1] == "w.......1w"
    assert all(row[0] == row[-1] == "w" for row in rows)
    assert rows[5][5] == "A"
    field = "".join(row[1:-1] for row in rows[1:-1])
    assert set(field) <= {"+", "b", "p", "A"}
    assert field.count("b") + field.count("p") >= 20


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_butterflies_layout(index):
    level = load("butterflies", index)
    counts = Counter("".join(level.rows))
    assert set(border(level)) == {"w"}
    assert counts["A"] == 1
    assert counts["1"] >= 2, "butterflies to catch"
    assert counts["0"] >= 4, "cocoons enough that one butterfly cannot end the game at once"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_chase_layout(index):
    level = load("chase", index)
    counts = Counter("".join(level.rows))
    assert set(border(level)) == {"w"}
    assert counts["A"] == 1 and counts["0"] >= 1


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_survivezombies_layout(index):
    level = load("survivezombies", index)
    counts = Counter("".join(level.rows))
    assert set(border(level)) == {"w"}
    assert counts["A"] == 1
    assert counts["1"] + counts["2"] >= 1, "a grave that raises zombies"
    assert counts["0"] >= 1, "a flower whose bees turn zombies into honey"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_portals_layout(index):
    level = load("portals", index)
    counts = Counter("".join(level.rows))
    assert set(border(level)) == {"w"}
    assert counts["A"] == counts["g"] == 1
    assert counts["i"] + counts["2"] >= 1, "the goal is reached through portals"
    for entry, exit_ in (("i", "o"), ("2", "3")):
        assert counts[exit_] >= 1 or not counts[entry], f"entry {entry} has no exit {exit_}"
    assert counts["x"] + counts["r"] + counts["h"] + counts["v"] >= 1, "bullets"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_sokoban_layout(index):
    level = load("sokoban", index)
    counts = Counter("".join(level.rows))
    assert set(border(level)) == {"w"}
    assert counts["A"] == 1
    assert counts["1"] >= 2 and counts["0"] >= 1, "boxes to push, holes to push them into"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_aliens_layout(index):
    rows = load("aliens", index).rows
    counts = Counter("".join(rows))
    assert set(counts) <= {".", "0", "1", "2", "A"}
    assert rows[-1].count("A") == counts["A"] == 1, "the ship starts on the bottom row"
    assert counts["1"] + counts["2"] >= 1, "a portal releases the aliens"
    assert counts["0"] >= 40, "shields"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_missilecommand_layout(index):
    rows = load("missilecommand", index).rows
    counts = Counter("".join(rows))
    assert set(rows[-1]) == {"w"} and all(row[0] == row[-1] == "w" for row in rows)
    assert counts["A"] == 1
    cities = [c for c, char in enumerate(rows[-2]) if char == "c"]
    assert len(cities) == counts["c"] >= 1, "the cities stand on the ground"
    assert counts["m"] + counts["f"] >= len(cities), "missiles enough to take every city"
    for c in cities:
        assert all(row[c] != "w" for row in rows[:-1]), f"a wall above the city in column {c}"


@pytest.mark.parametrize("index", range(LEVELS_PER_GAME))
def test_missilecommand_idle_play_loses(index):
    """Every missile reaches a city, none stranded behind a wall (a Chaser only ever steps
    towards its target), so a player who does nothing loses."""
    game = start_game(load("missilecommand", index), seed=0)
    while not game.ended and game.tick < MAX_STEPS:
        game.step("NIL")
    assert game.lost


@pytest.mark.skipif(not original_level("zelda", 0).exists(), reason=ORIGINALS_MISSING)
@pytest.mark.parametrize(("game", "index"), LEVELS)
def test_level_is_no_near_copy_of_an_original(game, index):
    ours = np.array([list(row) for row in load(game, index).rows])
    for original_index in range(LEVELS_PER_GAME):
        original = Level.from_file(original_level(game, original_index), game)
        theirs = np.array([list(row) for row in original.rows])
        if theirs.shape != ours.shape:
            continue
        changed = (ours[1:-1, 1:-1] != theirs[1:-1, 1:-1]).mean()
        assert changed >= MIN_CHANGED_INTERIOR, f"too close to original lvl{original_index}"
