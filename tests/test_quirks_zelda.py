"""Zelda's quirks (docs/engine.md, "Zelda quirks"), each on a tiny level of the real game."""

from __future__ import annotations

import pytest
from helpers import ScriptedRng, cell, heading, make_game, play, sprites_of

from gvgai_py.engine.sprites import LEFT, RIGHT

MONSTERS = {  # legend character: (type, cons, cooldown), GVGAI's zelda.txt
    "1": ("monsterQuick", 6, 2),
    "2": ("monsterNormal", 8, 4),
    "3": ("monsterSlow", 12, 8),
}


def zelda(drawing: str, rng=None, max_ticks=None):
    return make_game("zelda", drawing, rng=rng, max_ticks=max_ticks)


def monsters(game) -> list:
    return [m for name, _, _ in MONSTERS.values() for m in sprites_of(game, name)]


def heading_for_all(direction) -> ScriptedRng:
    """Every monster draw picks ``direction``."""
    return ScriptedRng.always(heading(direction))


def test_picking_up_the_key_resets_the_facing_to_right():
    game = zelda(
        """
        wwww
        wA.w
        w+.w
        w.gw
        wwww
        """
    )
    play(game, ["DOWN", "DOWN"])  # turn, then step onto the key
    assert game.avatar.type.name == "withkey"
    assert game.score == 1
    assert (game.avatar.dx, game.avatar.dy) == RIGHT
    game.step("DOWN")
    assert cell(game.avatar) == (2, 1)  # a turn again
    game.step("DOWN")
    assert cell(game.avatar) == (3, 1)


def test_the_sword_lives_seven_ticks_and_the_next_use_works_seven_ticks_later():
    game = zelda(
        """
        wwwwww
        wA..gw
        wwwwww
        """
    )
    created_at, present = [], []
    for tick in range(15):
        swords_before = {s.uid for s in sprites_of(game, "sword")}
        game.step("USE")
        swords = sprites_of(game, "sword")
        created_at += [tick for s in swords if s.uid not in swords_before]
        present.append(bool(swords))
    assert created_at == [0, 7, 14]
    assert present[:7] == [True] * 6 + [False]  # gone after tick 6's cleanup
    assert [cell(s) for s in sprites_of(game, "sword")] == [(1, 2)]


def test_the_sword_can_stand_on_a_wall():
    game = zelda(
        """
        wwww
        wAww
        wg.w
        wwww
        """
    )
    game.step("USE")
    assert [cell(s) for s in sprites_of(game, "sword")] == [(1, 2)]


@pytest.mark.parametrize(
    ("use_tick", "killed"),
    # The normal monster enters the sword's cell at tick 8 (its cons). A sword made at tick t
    # is in the collision phases of t..t+6: made at 2 it kills, made at 1 it is gone.
    [(2, True), (1, False)],
)
def test_the_sword_still_kills_in_its_last_tick(use_tick, killed):
    game = zelda(
        """
        wwwww
        wA.2w
        wg..w
        wwwww
        """,
        rng=heading_for_all(LEFT),
    )
    play(game, ["USE" if tick == use_tick else "NIL" for tick in range(9)])
    assert game.score == (2 if killed else 0)
    assert [cell(m) for m in monsters(game)] == ([] if killed else [(1, 2)])


def test_a_monster_killed_by_the_sword_still_kills_the_avatar_in_that_tick():
    game = zelda(
        """
        wwwww
        wA.1w
        wg..w
        wwwww
        """,
        rng=heading_for_all(LEFT),
    )
    play(game, ["USE"] + ["NIL"] * 5 + ["RIGHT"])  # avatar and monster enter the sword's cell
    assert game.score == 2 - 1
    assert game.ended and game.lost
    assert monsters(game) == []


def test_the_avatar_and_a_monster_swapping_cells_pass_through_each_other():
    game = zelda(
        """
        wwww
        wA1w
        wg.w
        wwww
        """,
        rng=heading_for_all(LEFT),
    )
    play(game, ["NIL"] * 6 + ["RIGHT"])
    assert not game.ended and game.score == 0
    assert cell(game.avatar) == (1, 2)
    assert [cell(m) for m in monsters(game)] == [(1, 1)]


def test_the_door_is_solid_without_the_key_and_opens_with_it():
    game = zelda(
        """
        wwwww
        w+Agw
        wwwww
        """
    )
    game.step("RIGHT")
    assert cell(game.avatar) == (1, 2) and len(sprites_of(game, "goal")) == 1
    play(game, ["LEFT", "LEFT", "RIGHT", "RIGHT"])  # turn, take the key, walk to the door
    assert game.ended and game.won
    assert game.score == 2


def test_opening_the_door_in_the_tick_a_monster_kills_the_avatar_is_a_win():
    game = zelda(
        """
        wwwwww
        wA+g1w
        wwwwww
        """,
        rng=heading_for_all(LEFT),
    )
    play(game, ["RIGHT"] + ["NIL"] * 5 + ["RIGHT"])  # the monster steps onto the door at 6
    assert game.avatar.disabled
    assert game.ended and game.won and not game.lost
    assert game.score == 1 + 1 - 1


@pytest.mark.parametrize("char", sorted(MONSTERS))
def test_monsters_stand_still_for_cons_ticks_then_move_every_cooldown_ticks(char):
    name, cons, cooldown = MONSTERS[char]
    game = zelda(
        f"""
        wwwwwwwwwwwwww
        w{char}...........w
        wA...........w
        wg...........w
        wwwwwwwwwwwwww
        """,
        rng=heading_for_all(RIGHT),
    )
    moved = []
    for tick in range(21):
        before = sprites_of(game, name)[0].x
        game.step("NIL")
        if sprites_of(game, name)[0].x != before:
            moved.append(tick)
    assert moved == list(range(cons, 21, cooldown))


def test_monsters_walk_over_the_key_and_the_door():
    game = zelda(
        """
        wwwwww
        w1+g.w
        wA...w
        wwwwww
        """,
        rng=heading_for_all(RIGHT),
    )
    play(game, ["NIL"] * 9)  # moves at ticks 6 and 8
    assert [cell(m) for m in monsters(game)] == [(1, 3)]
    assert len(sprites_of(game, "key")) == len(sprites_of(game, "goal")) == 1


def test_of_two_monsters_entering_one_cell_the_first_steps_back():
    rng = ScriptedRng([heading(RIGHT), heading(LEFT)] * 10)
    game = zelda(
        """
        wwwww
        w1.1w
        wA.gw
        wwwww
        """,
        rng=rng,
    )
    play(game, ["NIL"] * 7)  # both draw and move at tick 6, in creation order
    assert [cell(m) for m in monsters(game)] == [(1, 1), (1, 2)]
