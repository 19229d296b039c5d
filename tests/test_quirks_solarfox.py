"""Solarfox's quirks (docs/engine.md, "Solarfox quirks"), each on a tiny level of the real game
at B = 10.

Legend: ``+`` floor, ``b`` blib, ``p`` powerblib, ``.`` enemy lane (lethal), ``2`` top enemy,
``w`` wall, ``A`` ship. At B = 10 the ship moves 1 px per tick.
"""

from __future__ import annotations

import pytest
from helpers import ScriptedRng, cell, make_game, only, play, sprites_of

NO_SHOTS = ScriptedRng.always(0.99)
"""Enemies fire with probability 0.02: a draw of 0.99 never fires."""


def solarfox(drawing: str, rng=None):
    return make_game("solarfox", drawing, rng=rng)


def test_the_ship_waits_its_first_tick_then_moves_a_pixel_per_tick():
    game = solarfox("w+A+++w\nw+b+++w")
    xs = []
    for _ in range(4):
        game.step("NIL")
        xs.append(game.avatar.x)
    assert xs == [20, 21, 22, 23]


@pytest.mark.parametrize(
    ("actions", "penalty"),
    [
        # A first-tick DOWN only sets the facing; in tick 1 the ship dips into one lane tile.
        (["DOWN", "NIL"], -10),
        # 3 px to the right first: the ship is between columns and dips into two lane tiles,
        # and each costs -10: the disabled avatar keeps matching (docs/engine.md, "Killing and
        # the avatar").
        (["NIL"] * 4 + ["DOWN"], -20),
    ],
)
def test_a_death_costs_ten_per_lethal_tile_touched(actions, penalty):
    game = solarfox(
        """
        w+++++w
        w+A+++w
        w.....w
        w+b+++w
        """
    )
    play(game, actions)
    assert game.ended and game.lost
    assert game.score == penalty


def test_a_powerblib_touched_at_t0_yields_a_blib_at_t0_plus_3_eaten_at_t0_plus_4():
    game = solarfox("wwwwww\nwAp++w\nwwwwww")
    t0 = 1  # the ship starts beside the powerblib and overlaps it after its first pixel
    scores = []
    for _ in range(t0 + 5):
        game.step("NIL")
        scores.append(game.score)
    assert scores[t0 : t0 + 5] == [0, 0, 0, 1, 2]
    assert game.ended and game.won


def test_a_powerblib_left_early_still_turns_into_a_blib():
    game = solarfox("wwwwwww\nw+Ap++w\nwwwwwww")
    play(game, ["NIL", "NIL", "LEFT"])  # contact in tick 1 only
    play(game, ["NIL"])
    assert game.score == 0
    game.step("NIL")  # tick t0 + 3 = 4
    assert game.score == 1
    assert sprites_of(game, "powerblib") == []
    assert [cell(b) for b in sprites_of(game, "blib")] == [(1, 3)]
    assert not game.ended


def test_an_enemy_sits_three_ticks_in_the_wall_column_then_walks_back():
    game = solarfox(
        """
        w2..w
        w+A+w
        w+b+w
        wwwww
        """,
        rng=NO_SHOTS,
    )
    enemy = only(game, "top")
    columns = []
    for tick in range(15):
        game.step("RIGHT" if tick % 2 else "LEFT")  # the ship jiggles in place
        columns.append(enemy.x // 10)
    in_wall = [tick for tick, col in enumerate(columns) if col == 4]
    assert len(in_wall) == 3 and in_wall == list(range(in_wall[0], in_wall[0] + 3))
    assert columns[in_wall[-1] + 1 :][:4] == [4 - 1] * 3 + [4 - 2]
