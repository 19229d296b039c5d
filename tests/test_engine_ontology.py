"""The ontology pieces beyond the four games, on tiny levels (docs/engine.md, "Sprite classes",
"Effects", "Chaser and Fleeing", "Bomber", "turnAround", "bounceForward", "teleportToExit",
"undoAll", "Health points", "Timeout").

A :class:`ScriptedRng` with no numbers left fails a test that draws where it should not.
"""

from __future__ import annotations

import pytest
from helpers import ScriptedRng, cell, describe, heading, make_game, only, play, sprites_of

from gvgai_py.engine import EOS, DescriptionError, SpriteCounter, Timeout, rule, sprite
from gvgai_py.engine.sprites import DOWN, LEFT, RIGHT, UP

B = 10
AVATAR = sprite("avatar", "MovingAvatar")
NO_DRAWS = ()


def sandbox(legend: dict[str, str], *sprites, drawing: str, rules=(), terminations=(),
            rng=NO_DRAWS):
    """A game of ``sprites`` (plus a MovingAvatar unless one is given) on ``drawing``; ``rng``
    is a list of uniform numbers for a :class:`ScriptedRng`, or a generator."""
    if not any(node.name == "avatar" for node in sprites):
        sprites = (*sprites, AVATAR)
    description = describe(legend, *sprites, rules=rules, terminations=terminations)
    if isinstance(rng, (tuple, list)):
        rng = ScriptedRng(rng)
    return make_game(description, drawing, rng=rng)


def step_of(before: tuple[int, int], sprite_) -> tuple[int, int]:
    """The direction of one move of ``sprite_`` from ``before`` (a unit vector or NONE)."""
    dx, dy = sprite_.x - before[0], sprite_.y - before[1]
    return (dx > 0) - (dx < 0), (dy > 0) - (dy < 0)


# ---------------------------------------------------------------------- Chaser and Fleeing

HUNTERS = {"p": "prey", "c": "hunter", "f": "coward", "x": "prey hunter", "y": "prey coward",
           "s": "snail"}


def hunt(drawing: str, rng=NO_DRAWS, **params):
    return sandbox(
        HUNTERS,
        sprite("prey", "Immovable"),
        sprite("food", None, sprite("crumb", "Immovable"), sprite("snail", "Passive")),
        sprite("hunter", "Chaser", stype=params.pop("stype", "prey"), **params),
        sprite("coward", "Fleeing", stype="prey"),
        drawing=drawing,
        rng=rng,
    )


def first_move(game, name: str) -> tuple[int, int]:
    mover = only(game, name)
    before = (mover.x, mover.y)
    game.step("NIL")
    return step_of(before, mover)


@pytest.mark.parametrize(
    ("drawing", "direction"),
    [("p...c", LEFT), ("c...p", RIGHT), ("p\n.\nc", UP), ("c\n.\n.\np", DOWN)],
)
def test_chaser_takes_the_only_step_that_closes_in_without_a_draw(drawing, direction):
    assert first_move(hunt(drawing), "hunter") == direction


@pytest.mark.parametrize(("uniform", "direction"), [(0.1, UP), (0.3, LEFT), (0.6, UP),
                                                    (0.9, RIGHT)])
def test_chaser_draws_among_the_steps_towards_every_nearest_target_listed_per_target(
    uniform, direction
):
    """Targets up-left and up-right at the same distance list UP, LEFT, then UP, RIGHT: UP is
    listed (and drawn) twice."""
    game = hunt("p.p\n...\n.c.", rng=[uniform])
    assert first_move(game, "hunter") == direction


def test_chaser_only_follows_the_nearest_target():
    assert first_move(hunt("p.c..p"), "hunter") == LEFT


@pytest.mark.parametrize("drawing", ["...\n.c.\n...", "...\n.x.\n..."])
def test_chaser_with_no_step_that_closes_in_moves_as_a_random_npc(drawing):
    """No target at all, or standing on it: a RandomNPC draw decides."""
    game = hunt(drawing, rng=[heading(DOWN)])
    assert first_move(game, "hunter") == DOWN


@pytest.mark.parametrize(("max_distance", "rng", "direction"), [(40, [], LEFT),
                                                                (39, [heading(DOWN)], DOWN)])
def test_chaser_ignores_targets_beyond_max_distance_pixels(max_distance, rng, direction):
    game = hunt("p...c\n.....", rng=rng, maxDistance=max_distance)
    assert first_move(game, "hunter") == direction


def test_chaser_chases_every_leaf_of_a_group():
    assert first_move(hunt("s...c", stype="food"), "hunter") == LEFT


def test_chaser_draws_only_on_ticks_its_cooldown_lets_it_move():
    rng = ScriptedRng.always(0.0)  # the first listed step: UP
    game = hunt("p....\n.....\n.....\n.....\n.....\n....c", rng=rng, cooldown=3)
    hunter = only(game, "hunter")
    moves = []
    for tick in range(7):
        before = (hunter.x, hunter.y)
        game.step("NIL")
        if (hunter.x, hunter.y) != before:
            moves.append(tick)
    assert moves == [2, 5]
    assert rng.used == 2


@pytest.mark.parametrize(("uniform", "direction"), [(0.1, UP), (0.5, DOWN), (0.9, RIGHT)])
def test_fleeing_draws_among_the_steps_that_take_it_farther(uniform, direction):
    game = hunt("...\np.f\n...", rng=[uniform])
    assert first_move(game, "coward") == direction


@pytest.mark.parametrize(("uniform", "direction"), [(0.1, UP), (0.3, LEFT), (0.6, DOWN),
                                                    (0.9, RIGHT)])
def test_fleeing_on_its_target_may_step_any_way(uniform, direction):
    game = hunt("...\n.y.\n...", rng=[uniform])
    assert first_move(game, "coward") == direction


def test_chaser_needs_an_stype():
    with pytest.raises(DescriptionError, match="needs an stype"):
        sandbox({"c": "hunter"}, sprite("hunter", "Chaser"), drawing="c")


# ---------------------------------------------------------------------- Bomber


def bomber_game(drawing="b....\n.....\n.....", bomb=None, rng=NO_DRAWS, **params):
    bomb = bomb or sprite("bomb", "Missile", orientation="DOWN")
    return sandbox({"b": "bomber"}, bomb, sprite("bomber", "Bomber", stype="bomb", **params),
                   drawing=drawing, rng=rng)


def test_bomber_spawns_where_it_stands_then_moves_right_from_its_second_update():
    game = bomber_game(speed=1)
    bomber = only(game, "bomber")
    trace = []
    for _ in range(3):
        game.step("NIL")
        trace.append(bomber.x)
    assert trace == [0, B, 2 * B]
    assert [bomb.uid for bomb in sprites_of(game, "bomb")] == sorted(
        bomb.uid for bomb in sprites_of(game, "bomb"))
    assert [bomb.x for bomb in sprites_of(game, "bomb")] == [0, 0, B]


def test_bomber_cooldown_paces_both_spawns_and_moves():
    game = bomber_game(drawing="b" + "." * 9, speed=1, cooldown=3,
                       bomb=sprite("bomb", "Immovable"))
    bomber = only(game, "bomber")
    spawned, moved = [], []
    for tick in range(7):
        bombs, x = len(sprites_of(game, "bomb")), bomber.x
        game.step("NIL")
        if len(sprites_of(game, "bomb")) > bombs:
            spawned.append(tick)
        if bomber.x != x:
            moved.append(tick)
    assert spawned == [0, 3, 6]
    assert moved == [2, 5]


def test_bomber_without_a_speed_stays_put():
    game = bomber_game()
    play(game, ["NIL"] * 3)
    assert cell(only(game, "bomber")) == (0, 0)


def test_a_bomb_without_its_own_orientation_falls_the_bombers_way():
    game = bomber_game(bomb=sprite("bomb", "Missile"), orientation="DOWN", total=1)
    play(game, ["NIL"] * 3)
    bomb = only(game, "bomb")
    assert (bomb.dx, bomb.dy) == DOWN and bomb.y > 0


def test_bomber_dies_after_total_spawns():
    game = bomber_game(total=2)
    play(game, ["NIL"] * 3)
    assert sprites_of(game, "bomber") == []
    assert len(sprites_of(game, "bomb")) == 2


def test_spawn_point_gives_a_new_sprite_without_orientation_its_own():
    game = sandbox({"n": "nest"}, sprite("bolt", "Missile"),
                   sprite("nest", "SpawnPoint", stype="bolt", orientation="LEFT", total=1),
                   drawing="..n")
    play(game, ["NIL"] * 3)
    assert only(game, "bolt").x == 0


# ---------------------------------------------------------------------- FlakAvatar


def flak_game(drawing=".....\n..A..", singleton=True):
    return sandbox(
        {"A": "avatar"},
        sprite("sam", "Missile", orientation="UP", singleton=singleton),
        sprite("avatar", "FlakAvatar", stype="sam"),
        drawing=drawing,
    )


def test_flak_avatar_acts_with_nil_use_left_and_right_only():
    assert flak_game().compiled.actions == ("NIL", "USE", "LEFT", "RIGHT")


@pytest.mark.parametrize(("action", "col"), [("LEFT", 1), ("RIGHT", 3), ("UP", 2), ("DOWN", 2),
                                             ("NIL", 2)])
def test_flak_avatar_moves_sideways_only(action, col):
    game = flak_game()
    game.step(action)
    assert cell(game.avatar) == (1, col)


@pytest.mark.parametrize(("singleton", "shots"), [(True, 1), (False, 2)])
def test_flak_avatar_shoots_from_its_own_cell(singleton, shots):
    game = flak_game(drawing=".....\n.....\n..A..", singleton=singleton)
    game.step("USE")
    assert [cell(s) for s in sprites_of(game, "sam")] == [(2, 2)]
    play(game, ["NIL", "USE"])
    assert len(sprites_of(game, "sam")) == shots
    assert cell(sprites_of(game, "sam")[0]) == (0, 2)  # flew UP in ticks 1 and 2


# ---------------------------------------------------------------------- Portal, teleportToExit

PORTALS = {"i": "entry", "o": "exit", "e": "eastexit", "w": "wall", "A": "avatar", "k": "key"}


def portal_game(drawing: str, rng=NO_DRAWS, exit_type="exit", extra_rules=()):
    return sandbox(
        PORTALS,
        sprite("wall", "Immovable"),
        sprite("key", "Immovable"),
        sprite("exit", "Immovable"),
        sprite("eastexit", "Immovable", orientation="RIGHT"),
        sprite("entry", "Portal", stype=exit_type),
        sprite("avatar", "ShootAvatar", stype="key"),
        drawing=drawing,
        rules=(rule("avatar", "entry", effect="teleportToExit", score=1), *extra_rules),
        rng=rng,
    )


@pytest.mark.parametrize(("uniform", "destination"), [(0.2, (2, 0)), (0.7, (2, 4))])
def test_teleport_lands_on_an_exit_drawn_uniformly(uniform, destination):
    game = portal_game("Ai...\n.....\no...o", rng=[uniform])
    game.step("RIGHT")
    assert cell(game.avatar) == destination
    assert game.score == 1


def test_teleport_to_a_single_exit_draws_nothing():
    game = portal_game("Ai...\n.....\n..o..")
    game.step("RIGHT")
    assert cell(game.avatar) == (2, 2)


def test_teleport_without_an_exit_kills_and_still_scores():
    game = portal_game("Ai...")
    game.step("RIGHT")
    assert game.avatar.disabled and game.score == 1


def test_teleport_keeps_the_start_of_tick_place():
    game = portal_game("Ai...\n.....\n..o..",
                       extra_rules=(rule("avatar", "exit", effect="stepBack"),))
    game.step("RIGHT")
    assert cell(game.avatar) == (0, 0)


@pytest.mark.parametrize(("exit_type", "facing"), [("exit", DOWN), ("eastexit", RIGHT)])
def test_teleport_takes_an_oriented_exits_direction(exit_type, facing):
    game = portal_game("A....\nioe..\n.....", exit_type=exit_type)
    game.step("DOWN")  # a ShootAvatar facing RIGHT only turns...
    game.step("DOWN")  # ...then steps onto the portal
    assert cell(game.avatar) == (1, 1 if exit_type == "exit" else 2)
    assert (game.avatar.dx, game.avatar.dy) == facing


def test_portal_exits_must_be_a_leaf_type():
    with pytest.raises(DescriptionError, match="group"):
        sandbox({"i": "entry"}, sprite("exits", None, sprite("exit", "Immovable")),
                sprite("entry", "Portal", stype="exits"), drawing="i")


def test_effects_that_need_a_second_sprite_are_refused_at_the_end_of_the_screen():
    with pytest.raises(DescriptionError, match="killBoth needs a second sprite"):
        sandbox({}, drawing=".", rules=[rule("avatar", EOS, effect="killBoth")])


# ---------------------------------------------------------------------- killBoth, cloneSprite

PLAYGROUND = {"A": "avatar", "d": "drop", "r": "rock", "P": "pad", "w": "wall", "b": "box",
              "m": "mover", "h": "honey", "s": "spike", "X": "box wall"}


def playground(drawing: str, *rules, terminations=(), rng=NO_DRAWS, **avatar_params):
    return sandbox(
        PLAYGROUND,
        sprite("wall", "Immovable"),
        sprite("pad", "Immovable"),
        sprite("rock", "Immovable"),
        sprite("spike", "Immovable"),
        sprite("honey", "Passive"),
        sprite("box", "Passive"),
        sprite("drop", "Missile", orientation="DOWN"),
        sprite("mover", "Missile", orientation="RIGHT"),
        sprite("one", "Missile", singleton=True),
        sprite("avatar", "MovingAvatar", **avatar_params),
        drawing=drawing,
        rules=rules,
        terminations=terminations,
        rng=rng,
    )


def test_kill_both_kills_first_and_second_and_scores_once():
    game = playground("d\nr", rule("rock", "drop", effect="killBoth", score=2))
    play(game, ["NIL", "NIL"])
    assert sprites_of(game, "rock") == [] and sprites_of(game, "drop") == []
    assert game.score == 2


def test_kill_both_only_disables_the_avatar():
    game = playground("Ar", rule("avatar", "rock", effect="killBoth"))
    game.step("RIGHT")
    assert game.avatar.disabled and sprites_of(game, "rock") == []


def test_clone_sprite_adds_one_fresh_sprite_of_the_first_type_on_its_place():
    game = playground("d\nP\n.", rule("drop", "pad", effect="cloneSprite", score=1))
    play(game, ["NIL", "NIL"])  # the drop lands on the pad in tick 1
    drops = sprites_of(game, "drop")
    assert [cell(d) for d in drops] == [(1, 0), (1, 0)]
    assert drops[1].first_update  # a new sprite: it has not been updated yet
    assert game.score == 1


def test_clone_sprite_of_a_singleton_type_adds_nothing_but_scores():
    game = sandbox({"o": "one", "P": "pad"}, sprite("pad", "Immovable"),
                   sprite("one", "Immovable", singleton=True), drawing="oP",
                   rules=[rule("one", "one", effect="cloneSprite", score=1),
                          rule("pad", "one", effect="cloneSprite")])
    game.step("NIL")
    assert len(sprites_of(game, "one")) == 1


# ---------------------------------------------------------------------- turnAround


def test_turn_around_goes_back_drops_two_moves_and_reverses():
    game = sandbox({"a": "alien"}, sprite("alien", "Missile", orientation="RIGHT"),
                   drawing="..a\n...\n...\n...", rules=[rule("alien", EOS, effect="turnAround")])
    alien = only(game, "alien")
    play(game, ["NIL", "NIL"])  # tick 1 moves it out at the right edge
    assert (alien.x, alien.y) == (2 * B, 2 * B)
    assert (alien.dx, alien.dy) == LEFT
    game.step("NIL")
    assert (alien.x, alien.y) == (B, 2 * B)


# ---------------------------------------------------------------------- bounceForward, undoAll

SOKOBAN_RULES = (
    rule("avatar", "wall", effect="stepBack"),
    rule("box", "avatar", effect="bounceForward"),
    rule("box", "wall", "box", effect="undoAll"),
)


def test_bounce_forward_pushes_the_first_sprite_the_way_the_second_moved():
    game = playground("Ab..", *SOKOBAN_RULES)
    game.step("RIGHT")
    assert cell(game.avatar) == (0, 1)
    box = only(game, "box")
    assert cell(box) == (0, 2) and (box.dx, box.dy) == RIGHT


@pytest.mark.parametrize("drawing", ["Abw", "Abb."])
def test_a_box_pushed_into_a_wall_or_a_box_undoes_every_move_of_the_tick(drawing):
    game = playground(drawing + "\nm...", *SOKOBAN_RULES)
    mover = only(game, "mover")
    game.step("NIL")  # the mover's first update
    game.step("RIGHT")
    assert cell(game.avatar) == (0, 0)
    assert [cell(b) for b in sprites_of(game, "box")][0] == (0, 1)
    assert cell(mover) == (1, 0)  # a bystander's move is undone as well


def test_undo_all_spares_the_types_of_not_stype():
    rules = (*SOKOBAN_RULES[:2], rule("box", "wall", effect="undoAll", notStype="mover,wall"))
    game = playground("Abw\nm..", *rules)
    mover = only(game, "mover")
    play(game, ["NIL", "RIGHT"])
    assert cell(game.avatar) == (0, 0)
    assert cell(mover) == (1, 1)


def test_undo_all_acts_when_its_first_sprite_never_moved():
    game = playground("AX", rule("box", "wall", effect="undoAll"))
    game.step("DOWN")
    assert cell(game.avatar) == (0, 0)


def test_bounce_forward_flips_an_axis_moved_against_the_seconds_orientation():
    """The mover moved RIGHT, but an earlier rule turned it to face LEFT: the box goes LEFT."""
    game = playground(".mb.", rule("mover", "box", effect="reverseDirection"),
                      rule("box", "mover", effect="bounceForward"))
    play(game, ["NIL", "NIL"])  # the mover reaches the box in tick 1
    assert cell(only(game, "box")) == (0, 1)


@pytest.mark.parametrize(("cooldown", "col"), [(2, 2), (3, 1)])
def test_a_push_waits_for_the_pushed_sprites_cooldown_but_turns_it_anyway(cooldown, col):
    game = sandbox({"A": "avatar", "h": "heavy"}, sprite("heavy", "Passive", cooldown=cooldown),
                   drawing="Ah..", rules=[rule("heavy", "avatar", effect="bounceForward")])
    play(game, ["NIL", "RIGHT"])
    heavy = only(game, "heavy")
    assert cell(heavy) == (0, col) and (heavy.dx, heavy.dy) == RIGHT


# ---------------------------------------------------------------------- health points


@pytest.mark.parametrize(("params", "health", "max_health"), [
    ({}, 0, 0), ({"healthPoints": 3}, 3, 3), ({"healthPoints": 3, "maxHealthPoints": 5}, 3, 5),
    ({"healthPoints": 7, "maxHealthPoints": 5}, 5, 5),
])
def test_health_defaults_follow_java(params, health, max_health):
    game = playground("A", **params)
    assert (game.avatar.health, game.avatar.max_health) == (health, max_health)


def test_add_health_points_stays_below_the_limit_and_only_then_kills_and_scores():
    game = playground(
        "Ahh", rule("avatar", "honey", effect="addHealthPoints", killSecond=True, score=1),
        healthPoints=1, limitHealthPoints=3,
    )
    game.step("RIGHT")
    assert (game.avatar.health, game.avatar.max_health, game.score) == (2, 2, 1)
    assert len(sprites_of(game, "honey")) == 1
    game.step("RIGHT")  # 2 + 1 would reach the limit
    assert (game.avatar.health, game.score) == (2, 1)
    assert len(sprites_of(game, "honey")) == 1


def test_subtract_health_points_kills_at_the_limit_scoring_score_change_if_killed():
    game = playground(
        "As.s",
        rule("avatar", "spike", effect="subtractHealthPoints", score=-1, scoreChangeIfKilled=5),
        terminations=[SpriteCounter("avatar", win=False)],
        healthPoints=2,
    )
    game.step("RIGHT")
    assert (game.avatar.health, game.score, game.avatar.disabled) == (1, -1, False)
    play(game, ["RIGHT", "RIGHT"])
    assert (game.avatar.health, game.score, game.avatar.disabled) == (0, 4, True)
    assert game.lost


def test_subtract_health_points_with_stype_takes_from_a_sprite_of_that_type():
    game = playground("Ad\n.r", rule("drop", "rock", effect="subtractHealthPoints",
                                     stype="avatar", value=2, limit=-5), healthPoints=4)
    play(game, ["NIL", "NIL"])
    assert game.avatar.health == 2
    assert len(sprites_of(game, "drop")) == 1


def test_transform_to_passes_health_on():
    game = sandbox({"A": "avatar", "k": "key"}, sprite("key", "Immovable"),
                   sprite("avatar", "MovingAvatar", healthPoints=2, maxHealthPoints=9),
                   sprite("hero", "MovingAvatar"), drawing="Ak",
                   rules=[rule("avatar", "key", effect="addHealthPoints"),
                          rule("avatar", "key", effect="transformTo", stype="hero")])
    game.step("RIGHT")
    assert game.avatar.type.name == "hero" and game.avatar.health == 3


# ---------------------------------------------------------------------- Timeout


@pytest.mark.parametrize("win", [True, False])
def test_timeout_ends_the_game_in_the_tick_whose_index_reaches_its_limit(win):
    game = playground("A..", terminations=[Timeout(limit=3, win=win)])
    play(game, ["NIL"] * 3)
    assert not game.ended
    game.step("NIL")
    assert game.ended and game.won == win and game.lost != win


def test_timeout_takes_its_turn_among_the_terminations():
    game = playground("A", terminations=[Timeout(limit=0, win=False),
                                         SpriteCounter("rock", win=True)])
    game.step("NIL")
    assert game.lost


def test_a_game_with_undo_all_cannot_forget_sprites_that_left_the_level():
    """undoAll would bring a dropped sprite back one move, maybe into the level again."""
    dart = sprite("dart", "Missile", orientation="UP", forget_offscreen=True)
    rules = [rule("avatar", "dart", effect="killSprite"), rule("box", "wall", effect="undoAll")]
    with pytest.raises(DescriptionError, match="puts every sprite back"):
        sandbox({"A": "avatar"}, sprite("wall", "Immovable"), sprite("box", "Passive"), dart,
                drawing="A", rules=rules)
    sandbox({"A": "avatar"}, dart, drawing="A", rules=rules[:1])  # the rule alone is fine
