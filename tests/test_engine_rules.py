"""The tick as a whole: collisions, rule order, the killed-as-second asymmetry, end-of-screen
rules, singletons, terminations and the timeout (docs/engine.md, "One tick" and "Creating
sprites")."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import describe, make_game, only, play, sprites_of

from gvgai_py.engine import EOS, MultiSpriteCounter, SpriteCounter, rule, sprite

B = 10
SPRITES = (
    sprite("pad", "Immovable"),
    sprite("goal", "Door"),
    sprite("gem", "Resource"),
    sprite("hazard", "Immovable", sprite("spike"), sprite("thorn")),
    sprite("monster", "Passive"),
    sprite("blade", "Immovable"),
    sprite("orb", "Passive", singleton=True),
    sprite("projectile", "Missile", sprite("bolt", orientation="RIGHT", speed=0.1)),
    sprite("dart", "Missile", orientation="RIGHT", speed=0.5, forget_offscreen=True),
    sprite("avatar", "MovingAvatar"),
    sprite("hero", "MovingAvatar"),
    sprite("ship", "OngoingAvatar", speed=0.1),
)
LEGEND = {
    "P": "pad", "g": "goal", "$": "gem", "G": "gem gem", "x": "spike", "t": "thorn",
    "X": "spike thorn", "M": "monster blade", "O": "orb pad", "m": "bolt", "A": "avatar",
    "S": "ship", "D": "goal spike", "W": "spike gem", "d": "dart",
}


def sandbox(drawing: str, *rules, terminations=(), max_ticks=None):
    description = describe(LEGEND, *SPRITES, rules=rules, terminations=terminations)
    return make_game(description, drawing, max_ticks=max_ticks)


# ---------------------------------------------------------------------- collisions


def test_sprites_sharing_an_edge_do_not_collide_but_one_pixel_of_overlap_does():
    game = sandbox("S$", rule("gem", "ship", effect="collectResource"))
    game.step("NIL")  # the ship starts beside the gem and does not move on its first tick
    assert len(sprites_of(game, "gem")) == 1
    game.step("NIL")  # 1 px into the gem's cell
    assert sprites_of(game, "gem") == []


def test_a_sprite_is_at_the_end_of_screen_once_one_pixel_is_outside():
    game = sandbox("..m", rule("bolt", EOS, effect="killSprite"))
    game.step("NIL")
    assert len(sprites_of(game, "bolt")) == 1
    game.step("NIL")
    assert sprites_of(game, "bolt") == []


def test_end_of_screen_rules_skip_sprites_already_killed_this_tick():
    game = sandbox(
        "..m",
        rule("bolt", EOS, effect="killSprite", score=1),
        rule("projectile", EOS, effect="killSprite", score=10),
    )
    play(game, ["NIL", "NIL"])
    assert game.score == 1


# ---------------------------------------------------------------------- rule order


def test_a_rule_on_a_group_applies_to_each_leaf_and_every_overlap_scores():
    game = sandbox("AX", rule("avatar", "hazard", effect="killSprite", score=-1))
    game.step("RIGHT")
    assert game.score == -2


def test_pairs_run_in_order_of_first_appearance_then_declaration():
    """(avatar, orb) appears first, so both of its rules run before (avatar, pad)'s transform;
    in plain declaration order the transform would retire the avatar before the third rule."""
    game = sandbox(
        "AO",
        rule("avatar", "orb", effect="changeResource", resource="gem", score=1),
        rule("avatar", "pad", effect="transformTo", stype="hero", score=10),
        rule("avatar", "orb", effect="changeResource", resource="gem", score=100),
    )
    game.step("RIGHT")
    assert game.score == 111
    assert game.avatar.type.name == "hero"


@pytest.mark.parametrize("wall_first", [True, False])
def test_effects_see_the_positions_left_by_earlier_effects(wall_first):
    step_back = rule("avatar", "spike", effect="stepBack")
    collect = rule("gem", "avatar", effect="collectResource")
    game = sandbox("AW", *((step_back, collect) if wall_first else (collect, step_back)))
    game.step("RIGHT")
    assert game.avatar.x == 0
    assert len(sprites_of(game, "gem")) == (1 if wall_first else 0)


def test_a_sprite_killed_this_tick_still_matches_as_second_but_not_as_first():
    """The blade kills the monster; the dying monster still kills the avatar (as the second
    sprite) but no longer runs its own rule (as the first)."""
    game = sandbox(
        "AM",
        rule("monster", "blade", effect="killSprite", score=2),
        rule("monster", "avatar", effect="killSprite", score=100),
        rule("avatar", "monster", effect="killSprite", score=-1),
    )
    game.step("RIGHT")
    assert game.score == 2 - 1
    assert game.avatar.disabled
    assert sprites_of(game, "monster") == []


# ---------------------------------------------------------------------- singletons


@pytest.mark.parametrize(("singleton", "orbs_after_first_tick"), [(True, 0), (False, 1)])
def test_a_singleton_counts_a_sprite_killed_this_tick_until_cleanup(
    singleton, orbs_after_first_tick
):
    description = describe(
        {"O": "orb pad", "A": "avatar"},
        sprite("pad", "Immovable"),
        sprite("orb", "Passive", singleton=singleton),
        sprite("avatar", "MovingAvatar"),
        rules=[
            rule("orb", "avatar", effect="killSprite"),
            rule("pad", "avatar", effect="spawn", stype="orb"),
        ],
    )
    game = make_game(description, "AO")
    game.step("RIGHT")
    assert len(sprites_of(game, "orb")) == orbs_after_first_tick
    game.step("NIL")  # a new orb either way: the singleton's rival is gone, or the orb it
    assert len(sprites_of(game, "orb")) == 1  # replaced dies as this one is born


# ---------------------------------------------------------------------- terminations


@pytest.mark.parametrize("win_first", [True, False])
def test_the_first_declared_termination_decides_a_tie(win_first):
    win, lose = SpriteCounter("goal", win=True), SpriteCounter("avatar", win=False)
    game = sandbox(
        "AD",
        rule("goal", "avatar", effect="killSprite"),
        rule("avatar", "spike", effect="killSprite"),
        terminations=(win, lose) if win_first else (lose, win),
    )
    game.step("RIGHT")
    assert game.ended
    assert (game.won, game.lost) == ((True, False) if win_first else (False, True))


@pytest.mark.parametrize(
    ("termination", "ends"),
    [
        (SpriteCounter("gem", win=True, limit=1), True),  # fires at or below the limit
        (MultiSpriteCounter(("gem",), win=True, limit=1), False),  # only exactly at it
        (MultiSpriteCounter(("gem", "monster"), win=True, limit=0), True),
    ],
)
def test_counters_compare_the_live_count_with_their_limit(termination, ends):
    """Both gems of the cell go in one tick, so the count drops from 2 straight to 0."""
    game = sandbox("AG", rule("gem", "avatar", effect="collectResource"),
                   terminations=[termination])
    game.step("NIL")
    assert not game.ended
    game.step("RIGHT")
    assert game.ended == ends


def test_the_timeout_ends_the_game_as_a_loss_after_the_tick_whose_index_reaches_it():
    game = sandbox("A.", max_ticks=3)
    play(game, ["NIL"] * 3)
    assert not game.ended
    game.step("NIL")
    assert game.ended and game.lost and not game.won


def test_a_win_on_the_last_tick_is_not_turned_into_a_loss():
    game = sandbox(
        "A...g",
        rule("goal", "avatar", effect="killSprite"),
        terminations=[SpriteCounter("goal", win=True)],
        max_ticks=3,
    )
    play(game, ["RIGHT"] * 4)
    assert game.ended and game.won and not game.lost


# ---------------------------------------------------------------------- views and copies


def test_symbolic_view_marks_every_cell_a_sprite_overlaps_and_nothing_off_screen():
    game = sandbox("m.\n..", rule("bolt", EOS, effect="killSprite"))
    bolt_channel = game.compiled.leaf_id("bolt")
    play(game, ["NIL", "NIL"])  # 1 px right: the bolt overlaps cells (0, 0) and (0, 1)
    assert game.symbolic()[bolt_channel].tolist() == [[1, 1], [0, 0]]
    only(game, "bolt").x = -5  # half off the left edge
    assert game.symbolic()[bolt_channel].tolist() == [[1, 0], [0, 0]]


def test_a_type_that_forgets_offscreen_sprites_drops_them_once_wholly_outside():
    game = sandbox("md\n..")
    play(game, ["NIL", "NIL"])  # the dart waits a tick, then moves 5 px: half off-screen
    assert only(game, "dart").x == 15
    game.step("NIL")  # wholly outside now
    assert sprites_of(game, "dart") == [] and game.present[game.compiled.leaf_id("dart")] == 0
    play(game, ["NIL"] * 30)  # a bolt without the flag flies on for ever
    assert only(game, "bolt").x > 20


def test_rules_between_static_types_see_static_sprites_created_later():
    """The engine skips a rule between static types while no static sprite is created; a
    spawned pad must still be found on the gem's cell the tick after."""
    game = sandbox(
        "S$P",  # the pad already there makes the rule run, and find the two types apart
        rule("gem", "pad", effect="killSprite"),
        rule("gem", "ship", effect="spawn", stype="pad"),
    )
    play(game, ["NIL", "NIL"])  # the ship touches the gem: a pad appears on it
    assert len(sprites_of(game, "pad")) == 2 and len(sprites_of(game, "gem")) == 1
    game.step("NIL")
    assert sprites_of(game, "gem") == []


def test_a_clone_replays_identically_and_independently():
    description = describe(
        {"n": "npc", "s": "nest", "A": "avatar"},
        sprite("npc", "RandomNPC", cons=1),
        sprite("nest", "SpawnPoint", stype="npc", prob=0.3, cooldown=2),
        sprite("avatar", "MovingAvatar"),
    )
    game = make_game(description, "s....\n..n..\n....A", rng=np.random.default_rng(7))
    play(game, ["NIL"] * 5)
    copy = game.clone()
    actions = ["LEFT", "UP", "NIL", "RIGHT"] * 5
    play(game, actions)
    play(copy, actions)
    assert np.array_equal(game.symbolic(), copy.symbolic())
    assert [(s.x, s.y) for s in sprites_of(game, "npc")] == [
        (s.x, s.y) for s in sprites_of(copy, "npc")
    ]
    copy.step("DOWN")
    assert copy.tick == game.tick + 1
