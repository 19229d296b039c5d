"""Boulderdash's quirks (docs/engine.md, "Boulderdash quirks"), each on a tiny level of the real
game.

Legend: ``-`` empty, ``.`` dirt, ``o`` boulder, ``x`` diamond, ``c`` crab, ``b`` butterfly,
``e`` exit, ``w`` wall, ``A`` avatar.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import ScriptedRng, cell, heading, make_game, only, play, sprites_of

from gvgai_py.engine.sprites import LEFT, RIGHT

FALL_TICKS_PER_CELL = 5  # floor(0.2 * B) px per tick at B = 10 or 30


def boulderdash(drawing: str, block: int = 10, rng=None):
    return make_game("boulderdash", drawing, block=block, rng=rng)


def test_the_avatar_turns_in_place_before_it_digs():
    game = boulderdash("w.A-w\nwe--w")
    game.step("LEFT")  # starts facing RIGHT: this only turns
    assert cell(game.avatar) == (0, 2) and len(sprites_of(game, "dirt")) == 1
    game.step("LEFT")
    assert cell(game.avatar) == (0, 1) and sprites_of(game, "dirt") == []


@pytest.mark.parametrize("block", [10, 30])
def test_a_boulder_falls_one_cell_every_five_ticks_and_rests_on_a_wall(block):
    game = boulderdash(
        """
        wwwww
        wo-Aw
        w---w
        w---w
        w--ew
        wwwww
        """,
        block=block,
    )
    boulder = only(game, "boulder")
    step = block // FALL_TICKS_PER_CELL
    heights = []
    for _ in range(20):
        game.step("NIL")
        heights.append(boulder.y)
    # First update skipped (tick 0), then one step per tick until it rests on row 4.
    assert heights == [block + min(tick, 15) * step for tick in range(20)]


def test_digging_under_a_boulder_bounces_the_avatar_and_the_boulder_falls_after():
    game = boulderdash(
        """
        wwwww
        w-o-w
        wA.-w
        w---w
        we--w
        wwwww
        """
    )
    boulder = only(game, "boulder")
    play(game, ["NIL", "RIGHT"])
    assert cell(game.avatar) == (2, 1)
    assert sprites_of(game, "dirt") == []
    assert cell(boulder) == (1, 2)  # the dying dirt still stepped it back in tick 1
    play(game, ["NIL"] * FALL_TICKS_PER_CELL)
    assert cell(boulder) == (2, 2)
    assert not game.ended


def test_a_boulder_falling_onto_the_avatar_kills_it():
    game = boulderdash(
        """
        wwwww
        wo-ew
        w---w
        wA--w
        wwwww
        """
    )
    # It first moves in tick 1, fills the empty cell by tick 5 and overlaps the avatar in 6.
    play(game, ["NIL"] * FALL_TICKS_PER_CELL + ["NIL"])
    assert not game.ended
    game.step("NIL")
    assert game.ended and game.lost
    assert game.score == -1


@pytest.mark.parametrize("enemy", ["crab", "butterfly"])
@pytest.mark.parametrize("seed", range(4))
def test_enemies_stand_still_on_the_first_tick_then_move_a_cell_every_tick(enemy, seed):
    game = boulderdash(
        f"""
        wwwwwww
        w-----w
        w-----w
        w--{enemy[0]}--w
        w-----w
        w-----w
        wwwwwww
        wA.e..w
        wwwwwww
        """,
        rng=np.random.default_rng(seed),
    )
    monster = only(game, enemy)
    start = np.array([monster.x, monster.y])
    game.step("NIL")
    assert (monster.x, monster.y) == tuple(start)
    game.step("NIL")
    first = np.array([monster.x, monster.y]) - start
    assert np.abs(first).sum() == 10
    game.step("NIL")  # the direction drawn in tick 1 is kept in tick 2
    assert np.array_equal(np.array([monster.x, monster.y]) - start, 2 * first)


@pytest.mark.parametrize(("diamonds", "opens"), [(8, False), (9, True)])
def test_the_exit_opens_only_with_nine_diamonds(diamonds, opens):
    game = boulderdash("w" + "A" + "x" * diamonds + "e" + "-w")
    play(game, ["RIGHT"] * (diamonds + 1))
    assert game.avatar.resources == {"diamond": diamonds}
    assert game.score == 2 * diamonds
    assert game.ended == opens and game.won == opens
    assert len(sprites_of(game, "exitdoor")) == (0 if opens else 1)


def test_the_avatar_carries_at_most_ten_diamonds():
    game = boulderdash("wAxxxxxxxxxxx-w\nwwwwwwwwwwwwwew")
    play(game, ["RIGHT"] * 11)
    assert game.avatar.resources == {"diamond": 10}
    assert game.score == 20
    assert [cell(d) for d in sprites_of(game, "diamond")] == [(0, 12)]


def test_the_pickaxe_digs_in_front_lives_three_ticks_and_the_next_use_waits():
    game = boulderdash(
        """
        wwwww
        wA..w
        we--w
        wwwww
        """
    )
    created_at = []
    for tick in range(7):
        before = {s.uid for s in sprites_of(game, "sword")}
        game.step("USE")
        created_at += [tick for s in sprites_of(game, "sword") if s.uid not in before]
    assert created_at == [0, 3, 6]
    assert [cell(d) for d in sprites_of(game, "dirt")] == [(1, 3)]


def test_a_crab_meeting_a_butterfly_dies_and_the_butterfly_becomes_a_diamond():
    game = boulderdash(
        """
        wwwww
        wb-cw
        wA.ew
        wwwww
        """,
        rng=ScriptedRng([heading(RIGHT), heading(LEFT)]),  # butterfly updates first
    )
    play(game, ["NIL", "NIL"])
    assert sprites_of(game, "crab") == [] and sprites_of(game, "butterfly") == []
    assert [cell(d) for d in sprites_of(game, "diamond")] == [(1, 2)]
    assert game.score == 1
