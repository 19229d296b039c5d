"""Each interaction effect on tiny levels (docs/engine.md, "Effects").

Every test plays the same sandbox (:func:`arena`) with only the rules it is about.
"""

from __future__ import annotations

import pytest
from helpers import (
    ScriptedRng,
    cell,
    describe,
    make_game,
    only,
    play,
    sprites_of,
)

from gvgai_py.engine import EOS, SpriteCounter, rule, sprite
from gvgai_py.engine.sprites import DOWN, LEFT, RIGHT

B = 10
SPRITES = (
    sprite("wall", "Immovable"),
    sprite("water", "Immovable"),
    sprite("pad", "Immovable"),
    sprite("key", "Immovable"),
    sprite("exit", "Door"),
    sprite("rock", "Passive"),
    sprite("egg", "Passive"),
    sprite("gem", "Resource"),  # defaults: value 1, limit 2
    sprite("pouch", "Resource", value=3, limit=4),
    sprite("raft", "Missile", orientation="LEFT", speed=0.1),  # 1 px per tick at B=10
    sprite("barge", "Missile", orientation="RIGHT", speed=0.2),  # 2 px per tick
    sprite("drop", "Missile", orientation="DOWN"),
    sprite("boulder", "Missile", orientation="DOWN", speed=0.2),
    sprite("spark", "OrientedFlicker", limit=9),
    sprite("leftspark", "OrientedFlicker", limit=9, orientation="LEFT"),
    sprite("avatar", "MovingAvatar"),
    sprite("hero", "ShootAvatar", stype="spark"),
    sprite("scout", "ShootAvatar", stype="spark"),
)
LEGEND = {
    "w": "wall", "~": "water", "P": "pad", "k": "key", "e": "exit", "r": "rock",
    "g": "gem", "G": "gem gem", "p": "pouch", "R": "water raft", "d": "drop", "v": "boulder",
    "A": "avatar", "@": "water raft avatar", "=": "raft", "2": "water raft raft avatar",
    "b": "barge avatar", "S": "scout", "K": "key wall", "X": "wall wall gem",
}


def arena(drawing: str, *rules, terminations=(), rng=None, max_ticks=None):
    description = describe(LEGEND, *SPRITES, rules=rules, terminations=terminations)
    return make_game(description, drawing, rng=rng, max_ticks=max_ticks)


# ---------------------------------------------------------------------- stepBack


@pytest.mark.parametrize(("action", "expected"), [("RIGHT", (0, 0)), ("DOWN", (0, B))])
def test_step_back_returns_to_the_start_of_tick_place(action, expected):
    game = arena("Aw\n..", rule("avatar", "wall", effect="stepBack"))
    game.step(action)
    assert (game.avatar.x, game.avatar.y) == expected


# ---------------------------------------------------------------------- killSprite


def test_kill_sprite_removes_the_first_sprite():
    game = arena("d\nr", rule("rock", "drop", effect="killSprite"))
    game.step("NIL")
    assert len(sprites_of(game, "rock")) == 1
    game.step("NIL")  # the drop lands on the rock
    assert sprites_of(game, "rock") == []
    assert len(sprites_of(game, "drop")) == 1


def test_killed_avatar_is_disabled_pays_every_penalty_and_keeps_matching():
    """Two lethal walls in one cell cost twice; the disabled avatar still collects the gem."""
    game = arena(
        "AX",
        rule("avatar", "wall", effect="killSprite", score=-1),
        rule("gem", "avatar", effect="collectResource", score=2),
        terminations=[SpriteCounter("avatar", win=False)],
    )
    game.step("RIGHT")
    assert game.score == -1 - 1 + 2
    assert game.avatar.disabled and game.avatar.resources == {"gem": 1}
    assert game.ended and game.lost


def test_disabled_avatar_no_longer_acts():
    game = arena("Aw..", rule("avatar", "wall", effect="killSprite"))
    play(game, ["RIGHT", "RIGHT"])
    assert game.avatar.disabled
    assert (game.avatar.x, game.avatar.y) == (B, 0)


# ---------------------------------------------------------------------- transformTo


@pytest.mark.parametrize("kill_second", [False, True])
def test_transform_replaces_the_first_sprite_and_may_kill_the_second(kill_second):
    game = arena(
        "d\nr",
        rule("rock", "drop", effect="transformTo", stype="gem", killSecond=kill_second),
    )
    play(game, ["NIL", "NIL"])  # the drop lands on the rock in tick 1
    assert sprites_of(game, "rock") == []
    assert cell(only(game, "gem")) == (1, 0)
    assert len(sprites_of(game, "drop")) == (0 if kill_second else 1)


def test_avatar_transform_keeps_score_resources_and_start_of_tick_place_but_faces_right():
    """The new avatar replaces the old one; a later stepBack returns it to where the old one
    started the tick (the key cell is walled), and its facing resets to RIGHT."""
    game = arena(
        "S\ng\nK",
        rule("gem", "scout", effect="collectResource", score=2),
        rule("scout", "key", effect="transformTo", stype="hero", killSecond=True, score=1),
        rule("hero", "wall", effect="stepBack"),
    )
    play(game, ["DOWN", "DOWN", "DOWN"])  # turn, step onto the gem, step onto the key
    hero = game.avatar
    assert hero.type.name == "hero"
    assert cell(hero) == (1, 0)
    assert game.score == 3
    assert hero.resources == {"gem": 1}
    assert (hero.dx, hero.dy) == RIGHT
    assert sprites_of(game, "key") == [] and sprites_of(game, "scout") == []
    game.step("DOWN")
    assert cell(hero) == (1, 0)  # facing RIGHT again, so DOWN only turns


@pytest.mark.parametrize(("new_type", "facing"), [("spark", DOWN), ("leftspark", LEFT)])
def test_transform_copies_orientation_only_to_an_oriented_type_without_its_own(new_type, facing):
    game = arena("d\nr", rule("drop", "rock", effect="transformTo", stype=new_type))
    play(game, ["NIL", "NIL"])
    new = only(game, new_type)
    assert (new.dx, new.dy) == facing


def test_disabled_avatar_does_not_transform():
    game = arena(
        "AK",
        rule("avatar", "wall", effect="killSprite"),
        rule("avatar", "key", effect="transformTo", stype="hero", killSecond=True),
    )
    game.step("RIGHT")
    assert game.avatar.type.name == "avatar" and game.avatar.disabled
    assert len(sprites_of(game, "key")) == 1 and sprites_of(game, "hero") == []


# ---------------------------------------------------------------------- collectResource


@pytest.mark.parametrize(
    ("resource", "char", "held"),
    # gem: value 1, limit 2; pouch: value 3, limit 4 (min(value, limit - held) is granted).
    [("gem", "g", [1, 2, 2]), ("pouch", "p", [3, 4, 4])],
)
def test_collect_resource_grants_up_to_the_limit_then_leaves_the_resource(resource, char, held):
    game = arena("A" + char * 3, rule(resource, "avatar", effect="collectResource", score=1))
    trace = []
    for _ in held:
        game.step("RIGHT")
        trace.append(game.avatar.resources.get(resource, 0))
    assert trace == held
    assert game.score == 2  # scored only when collected
    assert [cell(s) for s in sprites_of(game, resource)] == [(0, 3)]


# ---------------------------------------------------------------------- killIfFromAbove


@pytest.mark.parametrize(
    ("drawing", "actions", "killed"),
    [
        ("v\nA", ["NIL", "NIL"], True),  # falls onto the avatar from a cell above
        ("r\nA", ["UP"], False),  # the avatar walks up into something that does not fall
        ("vA\n..", ["NIL", "NIL", "NIL", "LEFT"], False),  # walks into a boulder beside it
    ],
)
def test_kill_if_from_above_needs_a_higher_start_and_a_downward_move(drawing, actions, killed):
    game = arena(
        drawing,
        rule("avatar", "boulder", "rock", effect="killIfFromAbove", score=-1),
    )
    play(game, actions)
    overlapping = [s for s in sprites_of(game, "boulder") + sprites_of(game, "rock")
                   if abs(s.x - game.avatar.x) < B and abs(s.y - game.avatar.y) < B]
    assert overlapping, "the scenario must bring the two sprites together"
    assert game.avatar.disabled == killed
    assert game.score == (-1 if killed else 0)


# ---------------------------------------------------------------------- killIfOtherHasMore


@pytest.mark.parametrize(("gems", "opens"), [(1, False), (2, True)])
def test_kill_if_other_has_more_needs_the_limit(gems, opens):
    game = arena(
        "A" + "g" * gems + "e",
        rule("gem", "avatar", effect="collectResource"),
        rule("exit", "avatar", effect="killIfOtherHasMore", resource="gem", limit=2, score=5),
    )
    play(game, ["RIGHT"] * (gems + 1))
    assert len(sprites_of(game, "exit")) == (0 if opens else 1)
    assert game.score == (5 if opens else 0)


# ---------------------------------------------------------------------- pullWithIt


@pytest.mark.parametrize(("drawing", "step"), [("@.", -1), (".b", 2)])
def test_pull_moves_by_the_carriers_own_step_once_it_moves(drawing, step):
    game = arena(drawing, rule("avatar", "raft", "barge", effect="pullWithIt"))
    start = game.avatar.x
    xs = []
    for _ in range(4):
        game.step("NIL")
        xs.append(game.avatar.x)
    assert xs == [start, start + step, start + 2 * step, start + 3 * step]


@pytest.mark.parametrize(
    ("action", "x"),
    [
        ("NIL", -1),  # pulled
        ("UP", 0),  # moved into the wall and stepped back: that still counts as a move
        ("RIGHT", B),  # moved onto the next raft: not pulled this tick
    ],
)
def test_no_pull_on_a_tick_the_sprite_moved(action, x):
    game = arena(
        "ww\n@R",
        rule("avatar", "wall", effect="stepBack"),
        rule("avatar", "raft", effect="pullWithIt"),
    )
    play(game, ["NIL", action])
    assert game.avatar.x == x


def test_pull_happens_once_per_tick_whatever_the_number_of_carriers():
    game = arena("2.", rule("avatar", "raft", effect="pullWithIt"))
    play(game, ["NIL", "NIL"])
    assert game.avatar.x == -1


def test_step_back_undoes_a_pull():
    game = arena(
        "w@",
        rule("avatar", "raft", effect="pullWithIt"),
        rule("avatar", "wall", effect="stepBack"),
    )
    play(game, ["NIL", "NIL"])
    assert game.avatar.x == B


@pytest.mark.parametrize(
    "crowd",
    [0, 80],
)
def test_pull_goes_on_beyond_the_level_edge_however_many_carriers_exist(crowd):
    """Overlap is rectangle intersection wherever it happens: a raft drifting out of the level
    keeps carrying its rider. ``crowd`` other rafts elsewhere must not change that."""
    rows = ["@" + "." * 9] + [".========."] * (crowd // 8)
    game = arena("\n".join(rows), rule("avatar", "raft", effect="pullWithIt"))
    play(game, ["NIL"] * 21)  # the raft first moves in tick 1, then 1 px per tick
    assert game.avatar.x == -20


# ---------------------------------------------------------------------- shieldFrom

SHIELD = rule("avatar", "raft", effect="shieldFrom", stype="water", ftype="killSprite")
DROWN = rule("avatar", "water", effect="killSprite")


@pytest.mark.parametrize(
    ("drawing", "actions", "drowned"),
    [
        ("@", ["NIL"], False),  # on a raft over water
        ("A~", ["RIGHT"], True),  # water, no raft
        ("@~", ["NIL", "RIGHT"], True),  # the raft's shield ends with the tick
    ],
)
def test_shield_from_blocks_the_named_effect_while_overlapping(drawing, actions, drowned):
    game = arena(drawing, SHIELD, DROWN)
    play(game, actions)
    assert game.avatar.disabled == drowned


def test_shield_from_leaves_other_effects_of_the_pair_alone():
    game = arena("@", SHIELD, DROWN, rule("avatar", "water", effect="spawn", stype="egg"))
    game.step("NIL")
    assert not game.avatar.disabled
    assert len(sprites_of(game, "egg")) == 1


# ---------------------------------------------------------------------- wrapAround


@pytest.mark.parametrize(
    ("orientation", "start", "wrapped"),
    # A 3x3 level: W*B - B = H*B - B = 20.
    [("RIGHT", (1, 2), (0, B)), ("LEFT", (1, 0), (2 * B, B)),
     ("DOWN", (2, 1), (B, 0)), ("UP", (0, 1), (B, 2 * B))],
)
def test_wrap_around_jumps_to_the_opposite_edge_when_partly_off_screen(orientation, start, wrapped):
    description = describe(
        {"t": "truck"},
        sprite("truck", "Missile", orientation=orientation, speed=0.2),
        sprite("avatar", "MovingAvatar"),
        rules=[rule("truck", EOS, effect="wrapAround")],
    )
    rows = [["."] * 3 for _ in range(3)]
    rows[start[0]][start[1]] = "t"
    game = make_game(description, "\n".join("".join(row) for row in rows))
    play(game, ["NIL", "NIL"])  # first update skipped; then 2 px over the edge
    truck = only(game, "truck")
    assert (truck.x, truck.y) == wrapped


# ---------------------------------------------------------------------- reverseDirection


def test_reverse_direction_sends_a_missile_back():
    description = describe(
        {"m": "bolt", "w": "wall"},
        sprite("wall", "Immovable"),
        sprite("bolt", "Missile", orientation="RIGHT"),
        sprite("avatar", "MovingAvatar"),
        rules=[rule("bolt", "wall", effect="reverseDirection")],
    )
    game = make_game(description, "m.w")
    xs = []
    for _ in range(5):
        game.step("NIL")
        xs.append(only(game, "bolt").x)
    assert xs == [0, B, 2 * B, B, 0]


# ---------------------------------------------------------------------- spawn


def test_spawn_creates_at_the_first_sprite_every_tick_with_its_probability():
    game = arena(
        "AP",
        rule("pad", "avatar", effect="spawn", stype="egg", prob=0.5),
        rng=ScriptedRng([0.1, 0.9, 0.3]),
    )
    counts = []
    for action in ["RIGHT", "NIL", "NIL"]:
        game.step(action)
        counts.append(len(sprites_of(game, "egg")))
    assert counts == [1, 1, 2]
    assert {cell(egg) for egg in sprites_of(game, "egg")} == {(0, 1)}


# ---------------------------------------------------------------------- resources


@pytest.mark.parametrize(
    ("resource", "value", "held", "scores"),
    # gem: limit 2; pouch: limit 4. A change that would pass the limit does nothing.
    [("gem", 1, [1, 2, 2], [1, 2, 2]), ("pouch", 3, [3, 3, 3], [1, 1, 1]),
     ("pouch", 2, [2, 4, 4], [1, 2, 2])],
)
def test_change_resource_stops_at_the_limit_and_scores_only_on_change(
    resource, value, held, scores
):
    game = arena(
        "AP",
        rule("avatar", "pad", effect="changeResource", resource=resource, value=value, score=1),
    )
    trace, trace_scores = [], []
    for action in ["RIGHT", "NIL", "NIL"]:
        game.step(action)
        trace.append(game.avatar.resources.get(resource, 0))
        trace_scores.append(game.score)
    assert trace == held
    assert trace_scores == scores


def test_spawn_if_has_more_spawns_once_the_holder_has_enough_and_spends_nothing():
    game = arena(
        "AP",
        rule("pad", "avatar", effect="spawnIfHasMore", resource="gem", limit=2, stype="egg"),
        rule("pad", "avatar", effect="changeResource", resource="gem"),
    )
    eggs = []
    for action in ["RIGHT", "NIL", "NIL", "NIL"]:
        game.step(action)
        eggs.append(len(sprites_of(game, "egg")))
    assert eggs == [0, 0, 1, 2]
    assert only(game, "pad").resources == {"gem": 2}
