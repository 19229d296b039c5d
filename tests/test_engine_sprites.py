"""Each sprite class's own behaviour on tiny levels (docs/engine.md, "Movement", "Update order",
"Sprite classes")."""

from __future__ import annotations

from itertools import cycle, pairwise

import pytest
from helpers import ScriptedRng, describe, heading, make_game, only, play, sprites_of

from gvgai_py.engine import sprite
from gvgai_py.engine.sprites import DOWN, LEFT, NONE, RIGHT, UP, Sprite

B = 10
AVATAR = sprite("avatar", "MovingAvatar")
STEP_OF = {"NIL": NONE, "LEFT": LEFT, "RIGHT": RIGHT, "DOWN": DOWN, "UP": UP}


def one_sprite_game(sprite_class: str, block: int = B, drawing: str = "s", **params):
    """A game whose level holds one sprite ``s`` of ``sprite_class`` (and no avatar)."""
    description = describe({"s": "thing"}, sprite("thing", sprite_class, **params), AVATAR)
    return make_game(description, drawing, block=block)


def positions(game, name: str, ticks: int, action: str = "NIL") -> list[tuple[int, int]]:
    """(x, y) of the only ``name`` sprite after each of ``ticks`` ticks."""
    trace = []
    for _ in range(ticks):
        game.step(action)
        thing = only(game, name)
        trace.append((thing.x, thing.y))
    return trace


def move_ticks(trace: list[tuple[int, int]], start: tuple[int, int]) -> list[int]:
    """Ticks at which the position changed."""
    return [t for t, (before, after) in enumerate(pairwise([start, *trace])) if before != after]


# ---------------------------------------------------------------------- scenery


@pytest.mark.parametrize("sprite_class", ["Immovable", "Door", "Passive", "Resource"])
def test_scenery_never_moves(sprite_class):
    game = one_sprite_game(sprite_class, drawing="...\n.s.")
    assert positions(game, "thing", 5) == [(B, B)] * 5


# ---------------------------------------------------------------------- Missile


def test_missile_skips_its_first_update_then_moves_every_tick():
    game = one_sprite_game("Missile", orientation="RIGHT", drawing="s....")
    assert positions(game, "thing", 4) == [(0, 0), (B, 0), (2 * B, 0), (3 * B, 0)]


@pytest.mark.parametrize(
    ("speed", "block", "step"),
    # docs/engine.md, "Movement": floor(speed x B) pixels per move.
    [(0.2, 30, 6), (0.2, 10, 2), (0.1, 28, 2), (0.2, 28, 5), (0.15, 25, 3), (0.15, 10, 1),
     (0.1, 10, 1)],
)
def test_missile_moves_floor_of_speed_times_block_pixels(speed, block, step):
    game = one_sprite_game("Missile", block=block, orientation="DOWN", speed=speed,
                           drawing="s\n.\n.")
    assert positions(game, "thing", 4) == [(0, 0), (0, step), (0, 2 * step), (0, 3 * step)]


@pytest.mark.parametrize("cooldown", [2, 3])
def test_missile_waits_its_cooldown_between_moves(cooldown):
    game = one_sprite_game("Missile", orientation="RIGHT", cooldown=cooldown, drawing="s" + "." * 9)
    moves = move_ticks(positions(game, "thing", 12), (0, 0))
    assert moves[0] > 0
    assert all(later - earlier == cooldown for earlier, later in pairwise(moves))


@pytest.mark.parametrize(
    ("missile_defined_first", "first_move_tick"),
    # "Update order": the last-defined type updates first. A missile defined before its spawner is
    # updated after it, in the tick it is born (the skipped first update); otherwise one tick later.
    [(True, 1), (False, 2)],
)
def test_spawned_missile_first_moves_on_its_second_update(missile_defined_first, first_move_tick):
    missile = sprite("bolt", "Missile", orientation="RIGHT")
    spawner = sprite("nest", "SpawnPoint", stype="bolt", cooldown=100, total=1)
    order = (missile, spawner) if missile_defined_first else (spawner, missile)
    game = make_game(describe({"n": "nest"}, *order, AVATAR), "n...")
    trace = positions(game, "bolt", 4)
    assert move_ticks(trace, (0, 0))[0] == first_move_tick


# ---------------------------------------------------------------------- RandomNPC


def npc_game(rng: ScriptedRng, **params):
    description = describe({"n": "npc"}, sprite("npc", "RandomNPC", **params), AVATAR)
    return make_game(description, "n", rng=rng)


@pytest.mark.parametrize("cons", [1, 3, 6])
def test_random_npc_stands_still_for_cons_ticks_then_draws_every_cons_plus_one(cons):
    directions = [RIGHT, DOWN, LEFT, UP]
    rng = ScriptedRng(cycle(heading(d) for d in directions))
    game = npc_game(rng, cons=cons)
    draws, steps = [], []
    npc = only(game, "npc")
    for tick in range(cons + 3 * (cons + 1)):
        used, before = rng.used, (npc.x, npc.y)
        game.step("NIL")
        if rng.used > used:
            draws.append(tick)
        steps.append(((npc.x - before[0]) // B, (npc.y - before[1]) // B))
    assert draws == [cons + k * (cons + 1) for k in range(len(draws))]
    assert len(draws) == 3
    expected = [NONE] * cons + [d for d in directions[:3] for _ in range(cons + 1)]
    assert steps == expected


def test_random_npc_counts_ticks_while_its_cooldown_blocks_moving():
    """cons=6, cooldown=2 (Zelda's quick monster): draws at 6, 13, 20 whatever the moves."""
    rng = ScriptedRng(cycle([heading(RIGHT)]))
    game = npc_game(rng, cons=6, cooldown=2)
    draw_ticks = []
    for tick in range(21):
        used = rng.used
        game.step("NIL")
        if rng.used > used:
            draw_ticks.append(tick)
    assert draw_ticks == [6, 13, 20]


def test_random_npc_moves_a_full_cell_every_cooldown_ticks_after_standing_still():
    game = npc_game(ScriptedRng(cycle([heading(DOWN)])), cons=6, cooldown=2)
    trace = positions(game, "npc", 21)
    assert move_ticks(trace, (0, 0)) == list(range(6, 21, 2))
    assert trace[-1] == (0, 8 * B)


# ---------------------------------------------------------------------- SpawnPoint


def spawner_game(rng=None, **params):
    description = describe(
        {"n": "nest"},
        sprite("nest", "SpawnPoint", stype="egg", **params),
        sprite("egg", "Passive"),
        AVATAR,
    )
    return make_game(description, "..\n.n", rng=rng)


def spawn_ticks(game, ticks: int) -> list[int]:
    born = []
    for tick in range(ticks):
        before = len(sprites_of(game, "egg"))
        game.step("NIL")
        if len(sprites_of(game, "egg")) > before:
            born.append(tick)
    return born


def test_spawn_point_tries_on_ticks_divisible_by_its_cooldown_at_its_own_cell():
    game = spawner_game(cooldown=3)
    assert spawn_ticks(game, 10) == [0, 3, 6, 9]
    assert {(egg.x, egg.y) for egg in sprites_of(game, "egg")} == {(B, B)}


def test_spawn_point_spawns_only_when_the_draw_is_below_prob():
    game = spawner_game(ScriptedRng([0.2, 0.5, 0.7, 0.49]), prob=0.5)
    assert spawn_ticks(game, 4) == [0, 3]


def test_spawn_point_dies_after_total_spawns():
    game = spawner_game(total=2)
    assert spawn_ticks(game, 5) == [0, 1]
    assert sprites_of(game, "nest") == []


# ---------------------------------------------------------------------- Flicker


@pytest.mark.parametrize("sprite_class", ["Flicker", "OrientedFlicker"])
@pytest.mark.parametrize("limit", [0, 1, 5])
def test_flicker_dies_in_the_update_where_its_age_exceeds_limit(sprite_class, limit):
    """Ages 0, 1, ... at its updates and kills itself once older than ``limit``, never moving."""
    game = one_sprite_game(sprite_class, limit=limit, drawing="...\n.s.")
    for _ in range(limit + 1):
        game.step("NIL")
        assert (only(game, "thing").x, only(game, "thing").y) == (B, B)
    game.step("NIL")
    assert sprites_of(game, "thing") == []


# ---------------------------------------------------------------------- avatars


def avatar_game(avatar_class: str, drawing: str = ".....\n.....\n..A..\n.....\n.....", **params):
    shot = sprite("shot", "OrientedFlicker", limit=50, singleton=params.pop("singleton", True))
    description = describe(
        {"A": "avatar"}, sprite("avatar", avatar_class, stype="shot", **params), shot
    )
    return make_game(description, drawing)


def avatar_trace(game, actions: list[str]) -> list[tuple[int, int]]:
    trace = []
    for action in actions:
        game.step(action)
        trace.append((game.avatar.x, game.avatar.y))
    return trace


def test_moving_avatar_moves_one_cell_in_every_direction_at_once():
    actions = ["LEFT", "UP", "RIGHT", "RIGHT", "DOWN", "NIL", "DOWN"]
    game = avatar_game("MovingAvatar")
    expected, (x, y) = [], (2 * B, 2 * B)
    for action in actions:
        dx, dy = STEP_OF[action]
        x, y = x + dx * B, y + dy * B
        expected.append((x, y))
    assert avatar_trace(game, actions) == expected


def test_shoot_avatar_turns_in_place_before_moving():
    """Starts facing RIGHT; a different direction only turns it (Java: ``OrientedAvatar``)."""
    game = avatar_game("ShootAvatar")
    start = (2 * B, 2 * B)
    trace = avatar_trace(game, ["RIGHT", "LEFT", "LEFT", "UP", "UP", "UP"])
    assert trace == [
        (3 * B, 2 * B),  # already facing RIGHT: moves
        (3 * B, 2 * B),  # turns LEFT
        start,
        start,  # turns UP
        (2 * B, B),
        (2 * B, 0),
    ]
    assert (game.avatar.dx, game.avatar.dy) == UP


@pytest.mark.parametrize("direction", ["RIGHT", "LEFT", "DOWN", "UP"])
def test_use_creates_stype_in_the_cell_in_front_facing_the_same_way(direction):
    game = avatar_game("ShootAvatar")
    play(game, [direction, "USE"] if direction != "RIGHT" else ["USE"])
    dx, dy = STEP_OF[direction]
    shot = only(game, "shot")
    assert (shot.x, shot.y) == (2 * B + dx * B, 2 * B + dy * B)
    assert (shot.dx, shot.dy) == (dx, dy)
    assert (game.avatar.x, game.avatar.y) == (2 * B, 2 * B)


@pytest.mark.parametrize(("singleton", "shots"), [(True, 1), (False, 2)])
def test_use_does_nothing_while_a_singleton_shot_exists(singleton, shots):
    game = avatar_game("ShootAvatar", singleton=singleton)
    play(game, ["USE", "USE"])
    assert len(sprites_of(game, "shot")) == shots


def test_ongoing_avatar_stands_still_on_its_first_tick_then_never_stops():
    game = avatar_game("OngoingAvatar", drawing="A" + "." * 9, speed=0.1)
    assert avatar_trace(game, ["NIL"] * 5) == [(x, 0) for x in range(5)]


def test_ongoing_avatar_steers_immediately_including_reversal():
    game = avatar_game("OngoingAvatar", speed=0.1)
    x, y = 2 * B, 2 * B
    play(game, ["NIL"] * 4)  # 3 px right after the first-tick standstill
    assert avatar_trace(game, ["LEFT", "UP", "NIL"]) == [
        (x + 2, y), (x + 2, y - 1), (x + 2, y - 2)
    ]


def test_ongoing_avatar_takes_a_first_tick_direction_as_its_facing():
    game = avatar_game("OngoingAvatar", speed=0.1)
    assert avatar_trace(game, ["DOWN", "NIL"]) == [(2 * B, 2 * B), (2 * B, 2 * B + 1)]


def test_a_sprite_copy_has_every_slot_and_its_own_resources():
    original = only(make_game(describe({"A": "avatar"}, AVATAR), "A"), "avatar")
    for i, name in enumerate(Sprite.__slots__):
        if name not in ("type", "resources"):
            setattr(original, name, 1000 + i)  # a value no slot starts with
    original.resources = {"gem": 2}
    twin = original.copy()
    assert all(getattr(twin, name) == getattr(original, name) for name in Sprite.__slots__)
    twin.resources["gem"] = 3
    assert original.resources == {"gem": 2}
