"""Frogs' quirks (docs/engine.md, "Frogs quirks"), each on a tiny level of the real game.

Legend: ``+`` grass, ``0`` water, ``=`` log on water, ``B`` avatar on a log, ``1`` dense log
spawner on water, ``2`` dense spawner with a log and no water, ``.`` road, ``x`` fast truck to
the right, ``l`` fast truck to the left, ``g`` goal, ``w`` wall, ``A`` avatar.
"""

from __future__ import annotations

import pytest
from helpers import (
    ORIGINALS_MISSING,
    ScriptedRng,
    make_game,
    original_level,
    play,
    sprites_of,
)

from gvgai_py import Level

LOG_SPEED = 0.1


def frogs(drawing: str, block: int = 10, rng=None):
    return make_game("frogs", drawing, block=block, rng=rng)


@pytest.mark.parametrize("block", [10, 28])
def test_the_frog_rides_a_log_but_is_not_pulled_on_a_tick_it_moves(block):
    game = frogs(
        """
        wwwgwww
        0==B==0
        +++++++
        """,
        block=block,
    )
    # 1 px at B = 10, 2 px at B = 28 (docs/engine.md, "Movement")
    pull = int(LOG_SPEED * block)
    xs = []
    for action in ["NIL", "NIL", "RIGHT", "NIL"]:
        game.step(action)
        xs.append(game.avatar.x)
    start = 3 * block
    assert xs == [start, start - pull, start - pull + block, start - 2 * pull + block]
    assert not game.ended


def test_trucks_wrap_around_to_the_opposite_edge():
    game = frogs(
        """
        wgww
        ...x
        l...
        +A++
        """
    )
    right, left = sprites_of(game, "fastRtruck")[0], sprites_of(game, "fastLtruck")[0]
    play(game, ["NIL", "NIL"])  # they first move in tick 1, 2 px over the edge
    assert (right.x, left.x) == (0, 4 * 10 - 10)


def test_a_spawned_log_first_moves_two_ticks_after_it_appears():
    game = frogs(
        """
        wwgw
        0001
        +A++
        """,
        rng=ScriptedRng.always(0.0),  # the spawner always succeeds
    )
    xs = []
    for _ in range(3):
        game.step("NIL")
        xs.append([log.x for log in sprites_of(game, "log")])
    assert xs == [[30], [30], [29]]


@pytest.mark.parametrize(("spawner", "survives"), [("2", True), ("1", False)])
def test_a_spawner_cell_without_water_is_safe_ground_once_its_log_has_left(spawner, survives):
    game = frogs(
        f"""
        wwgw
        +0{spawner}+
        ++A+
        """,
        rng=ScriptedRng.always(0.99),  # no new logs
    )
    play(game, ["NIL"] * 11)  # the initial log (if any) is 10 px to the left by now
    game.step("UP")
    assert game.ended != survives


def test_touching_the_goal_wins_even_when_a_wall_pushes_the_frog_back():
    game = frogs(
        """
        wgw
        0B0
        +++
        """
    )
    play(game, ["NIL", "NIL", "UP"])  # pulled 1 px left, then up across the wall and goal
    assert game.ended and game.won
    assert game.score == 1


def test_a_truck_kills_the_frog_at_no_cost():
    game = frogs(
        """
        wgw
        .x.
        +A+
        """
    )
    game.step("UP")
    assert game.ended and game.lost and game.score == 0


@pytest.mark.skipif(not original_level("frogs", 4).exists(), reason=ORIGINALS_MISSING)
@pytest.mark.parametrize(
    "block",
    [10, 28],
)
def test_logs_carry_the_frog_off_screen_where_it_survives(block):
    """Java leaves the frog at x = -30 at B = 28 (docs/engine.md, "Frogs quirks"). The frog rides
    the last log of row 8 until that log dies at x = -pull; the frog, one cell left of it, then
    touches no water."""
    level = Level.from_file(original_level("frogs", 4), "frogs")
    game = frogs("\n".join(level.rows), block=block)
    play(game, ["NIL"] * 300)
    pull = int(LOG_SPEED * block)
    assert not game.ended
    assert game.avatar.x == -pull - block
