"""Sprites outside the level (docs/engine.md, "Sprites outside the level"): like Java GVGAI,
whichever way a sprite gets there, it lives on, collides and counts, and no view shows it.

Each test puts a static sprite (kept in the engine's cell index in the level) or a forgotten
missile where it used to be mishandled: outside the level or between cells.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import describe, make_game, only, play, sprites_of

from gvgai_py.engine import EOS, CompiledGame, SpriteCounter, rule, sprite
from gvgai_py.engine.compiler import DescriptionError
from gvgai_py.rendering import Renderer

B = 10
SPRITES = (
    sprite("rock", "Immovable"),
    sprite("gem", "Resource"),
    sprite("walker", "Missile", orientation="LEFT"),
    sprite("crawler", "Missile", orientation="RIGHT", speed=0.5),
    sprite("raft", "Missile", orientation="UP"),
    sprite("dart", "Missile", orientation="UP", forget_offscreen=True),
    sprite("avatar", "ShootAvatar", stype="rock"),
)
LEGEND = {"w": "walker", "c": "crawler", "r": "raft", "d": "dart", "A": "avatar", "o": "rock"}


def sandbox(drawing: str, *rules):
    description = describe(LEGEND, *SPRITES, rules=rules)
    return make_game(description, drawing)


def channel(game, name: str) -> np.ndarray:
    return game.symbolic()[game.compiled.leaf_id(name)]


def test_a_sprite_that_walked_off_can_become_a_static_sprite_out_there():
    game = sandbox("wo", rule("walker", EOS, effect="transformTo", stype="rock"))
    play(game, ["NIL", "NIL"])  # waits a tick, then steps off the left edge and turns to rock
    assert [(s.x, s.y) for s in sprites_of(game, "rock")] == [(B, 0), (-B, 0)]
    assert game.count((game.compiled.leaf_id("rock"),)) == 2  # terminations count it
    assert channel(game, "rock").tolist() == [[0, 1]]  # but no view shows it


def test_a_static_sprite_created_off_the_level_is_collected_there():
    game = sandbox(
        "wA", rule("walker", EOS, effect="transformTo", stype="gem"),
        rule("gem", "avatar", effect="collectResource", score=2),
    )
    play(game, ["NIL", "NIL"])  # a gem at (-10, 0)
    play(game, ["LEFT", "LEFT", "LEFT"])  # turn, step to x = 0, step off onto the gem
    assert (game.avatar.x, sprites_of(game, "gem")) == (-B, [])
    assert (game.score, game.avatar.resources) == (2, {"gem": 1})


def test_a_sprite_pushed_off_the_level_can_leave_a_static_sprite_there():
    game = sandbox(
        "A\nr", rule("avatar", "raft", effect="pullWithIt"),
        rule("avatar", EOS, effect="spawn", stype="rock"),
    )
    play(game, ["NIL"] * 3)  # the raft carries the avatar up: out at -10, then on to -20
    assert game.avatar.y == -2 * B
    assert [(s.x, s.y) for s in sprites_of(game, "rock")] == [(0, -B)]


def test_a_shot_created_off_the_level_lives_there():
    game = sandbox("A")
    game.step("USE")  # the avatar faces right, at the edge of a one-cell level
    assert (only(game, "rock").x, only(game, "rock").y) == (B, 0)
    assert channel(game, "rock").sum() == 0


def test_a_static_sprite_made_between_cells_collides_and_shows_in_both_cells():
    game = sandbox("c..", rule("crawler", "rock", effect="killSprite"))
    play(game, ["NIL", "NIL"])  # the crawler waits a tick, then moves 5 px right
    game.create(game.compiled.leaf_id("rock"), 5, 0)
    assert channel(game, "rock").tolist() == [[1, 1, 0]]
    game.step("NIL")  # the crawler moves on to x = 10, still half over the rock
    assert sprites_of(game, "crawler") == [] and len(sprites_of(game, "rock")) == 1


def test_a_missile_that_flew_off_still_hits_an_avatar_waiting_out_there():
    """A type that forgets sprites gone for good keeps them while its partner is outside."""
    game = sandbox("d\nA", rule("avatar", "dart", effect="killSprite"))
    game.avatar.y = -5 * B  # out above the level, in the dart's way
    play(game, ["NIL"] * 5)  # the dart waits a tick, then flies 10 px a tick: at -40
    assert not game.avatar.disabled
    game.step("NIL")
    assert game.avatar.disabled


def test_a_missile_gone_for_good_is_forgotten_while_its_partners_are_inside():
    game = sandbox("d\nA", rule("avatar", "dart", effect="killSprite"))
    play(game, ["NIL"] * 3)  # waits, then leaves the top: wholly outside after two moves
    assert sprites_of(game, "dart") == [] and not game.avatar.disabled


@pytest.mark.parametrize(
    ("dart", "problem"),
    [
        (sprite("dart", "Missile", orientation="UP", speed=0.5, forget_offscreen=True),
         "avatar move faster"),
        (sprite("dart", "Missile", orientation="UP", cooldown=2, forget_offscreen=True),
         "cooldown is not 1"),
        (sprite("dart", "RandomNPC", forget_offscreen=True), "not a Missile"),
        (sprite("dart", "Missile", forget_offscreen=True), "termination"),
    ],
)
def test_a_type_may_forget_only_what_its_partners_can_never_catch(dart, problem):
    sprites = (sprite("avatar", "MovingAvatar"), dart)
    counted = [SpriteCounter("dart", win=True)] if problem == "termination" else []
    description = describe({"A": "avatar"}, *sprites, terminations=counted,
                           rules=[rule("avatar", "dart", effect="killSprite")])
    with pytest.raises(DescriptionError, match=problem):
        CompiledGame(description)


def test_the_renderer_draws_a_static_sprite_between_cells_and_nothing_off_the_level():
    game = sandbox("c..")
    play(game, ["NIL", "NIL"])
    renderer = Renderer(game.compiled, (1, 3))
    before = renderer.render(game)
    game.create(game.compiled.leaf_id("rock"), 15, 0)
    game.create(game.compiled.leaf_id("rock"), -B, 0)
    after = renderer.render(game)
    changed = np.nonzero((after != before).any(axis=(0, 2)))[0]
    assert changed.min() >= 15 and changed.max() < 25
