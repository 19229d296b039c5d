"""Interaction effects (Java: ``ontology.effects``; docs/engine.md, "Effects").

``a`` is the rule's first sprite, ``b`` its second.

Each entry of :data:`EFFECTS` builds, from a rule's parameters, a function
``(game, a, b) -> bool`` that applies the effect and returns whether it succeeded; the rule's
score is added only on success (docs/engine.md, "Score"). ``b`` is ``None`` for end-of-screen rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gvgai_py.engine.sprites import NONE, Sprite, try_move

if TYPE_CHECKING:
    from gvgai_py.engine.compiler import CompiledGame, SpriteType
    from gvgai_py.engine.game import Game

EffectFn = Callable[["Game", Sprite, "Sprite | None"], bool]


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def _move_pixels(mover: SpriteType, speed: float, block: int) -> int:
    """Pixels an effect's move of a ``mover`` sprite at ``speed`` covers: speed 0 means the
    mover's own speed, or one cell a move if it has none (Java: ``GridPhysics.activeMovement``).
    """
    if speed == 0:
        own = mover.params.get("speed", 0.0)
        speed = own if own > 0 else 1.0
    return int(speed * block)


def step_back(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        a.x, a.y = a.last_x, a.last_y
        return True

    return apply


def kill_sprite(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        g.kill(a)
        return True

    return apply


def transform_to(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    new_type = game.types[game.leaf_id(params["stype"])]
    kill_second = params.get("killSecond", False)

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        if a.disabled:
            return False
        new = g.create(new_type.tid, a.x, a.y)
        if new is None:
            return False
        new.last_x, new.last_y = a.last_x, a.last_y
        new.resources = a.resources
        new.health = a.health
        if new_type.oriented and not new_type.has_default_orientation:
            new.dx, new.dy = a.dx, a.dy
        g.replace(a, new)
        if kill_second and b is not None:
            g.kill(b)
        return True

    return apply


def collect_resource(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        resource = a.type
        held = b.resources.get(resource.name, 0)
        limit = resource.params["limit"]
        if held >= limit:
            return False
        b = g.own(b)  # the only effect that changes its second sprite
        b.resources[resource.name] = held + min(resource.params["value"], limit - held)
        g.kill(a)
        return True

    return apply


def kill_if_from_above(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    half_block = game.block // 2

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        if a.last_y > b.last_y + half_block and b.y > b.last_y:
            g.kill(a)
            return True
        return False

    return apply


def kill_if_other_has_more(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    resource, limit = params["resource"], params["limit"]

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        if b.resources.get(resource, 0) >= limit:
            g.kill(a)
            return True
        return False

    return apply


def pull_with_it(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # try_move refuses when ``a`` already moved this tick (its own step or an earlier pull),
        # which is both "not pulled on a tick it moves" and "pulled at most once per tick".
        # The start-of-tick rectangle is kept, so a later stepBack also undoes the pull.
        return try_move(a, _sign(b.x - b.last_x), _sign(b.y - b.last_y), b.type.step)

    return apply


def shield_from(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    shielded_types = game.leaf_ids(params["stype"])
    effect_name = params["ftype"]

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        for tid in shielded_types:
            g.shields.add((a.tid, tid, effect_name))
        return True

    return apply


def wrap_around(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        if a.dx > 0:
            a.x = 0
        elif a.dx < 0:
            a.x = g.width_px - g.block
        if a.dy > 0:
            a.y = 0
        elif a.dy < 0:
            a.y = g.height_px - g.block
        a.ticks_since_move = 0
        return True

    return apply


def reverse_direction(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        a.dx, a.dy = -a.dx, -a.dy
        return True

    return apply


def spawn(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    new_tid = game.leaf_id(params["stype"])
    prob = params.get("prob", 1.0)

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        if prob < 1 and g.rng.random() >= prob:
            return False
        return g.create(new_tid, a.x, a.y) is not None

    return apply


def spawn_if_has_more(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    new_tid = game.leaf_id(params["stype"])
    resource, limit = params["resource"], params["limit"]

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        if a.resources.get(resource, 0) >= limit:
            return g.create(new_tid, a.x, a.y) is not None
        return False

    return apply


def change_resource(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    resource = params["resource"]
    value = params.get("value", 1)
    limit = game.types[game.leaf_id(resource)].params["limit"]

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        held = a.resources.get(resource, 0)
        if held + value > limit:
            return False
        a.resources[resource] = held + value
        return True

    return apply


def kill_both(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # Java: binary.KillBoth
        g.kill(a)
        g.kill(b)
        return True

    return apply


def clone_sprite(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # Java: unary.CloneSprite. A new sprite of a's type with its type's defaults, on a's place
        # (none if the type is a singleton); the score counts even then.
        g.create(a.tid, a.x, a.y)
        return True

    return apply


def turn_around(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    block = game.block

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # Java: unary.TurnAround (docs/engine.md, "turnAround"): back to the start-of-tick place,
        # two moves down whatever the cooldown, then reverse.
        a.x, a.y = a.last_x, a.last_y
        pixels = _move_pixels(a.type, a.type.params.get("speed", 0.0), block)
        if pixels:
            a.y += 2 * pixels
            a.ticks_since_move = 0
        else:
            a.ticks_since_move = a.type.cooldown
        a.dx, a.dy = -a.dx, -a.dy
        return True

    return apply


def bounce_forward(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    block = game.block

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # Java: binary.BounceForward (docs/engine.md, "bounceForward").
        moved_x, moved_y = b.x - b.last_x, b.y - b.last_y
        length = math.hypot(moved_x, moved_y)
        if length:
            ux, uy = moved_x / length, moved_y / length
            if moved_x * b.dx < 0:
                ux = -ux
            if moved_y * b.dy < 0:
                uy = -uy
        else:
            ux = uy = 0.0
        pixels = _move_pixels(a.type, b.type.params.get("speed", 0.0), block)
        if pixels and (ux or uy) and a.ticks_since_move >= a.type.cooldown:
            a.x += int(ux * pixels)
            a.y += int(uy * pixels)
            a.ticks_since_move = 0
        a.dx, a.dy = _sign(ux), _sign(uy)
        return True

    return apply


def teleport_to_exit(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # Java: binary.TeleportToExit (docs/engine.md, "teleportToExit"). The score counts
        # whatever happens.
        if b.type.sprite_class.stype not in ("exit", "creates"):
            return True  # b names no leaf type (Java: it has no itype)
        exit_tid = b.type.params["stype"]
        if not g.present[exit_tid]:
            g.kill(a)
            return True
        exits = g.sprites(exit_tid)
        exit_ = exits[int(g.rng.integers(len(exits)))] if len(exits) > 1 else exits[0]
        a.x, a.y = exit_.x, exit_.y
        a.ticks_since_move = 0
        if exit_.type.oriented or exit_.type.orientation != NONE:
            a.dx, a.dy = exit_.dx, exit_.dy
        return True

    return apply


def undo_all(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    # Java's notStype names leaf types (comma-separated) whose sprites stay where they are.
    spared = {game.leaf_id(name) for name in params.get("notStype", "").split(",") if name}
    undone = tuple(t.tid for t in game.types if t.tid not in spared)

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # Java: unary.UndoAll (docs/engine.md, "undoAll"). Static sprites never move, so only
        # the moving stores (static strays included, which never move either) are visited.
        dynamic = g.dynamic
        for tid in undone:
            for sprite in dynamic[tid]:
                sprite.x, sprite.y = sprite.last_x, sprite.last_y
        return True

    return apply


def add_health_points(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    value = params.get("value", 1)
    kill_second = params.get("killSecond", False)

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # Java: unary.AddHealthPoints (docs/engine.md, "Health points").
        if a.health + value >= a.type.limit_health:
            return False
        a.health += value
        if a.health > a.max_health:
            a.max_health = a.health
        if kill_second and b is not None:
            g.kill(b)
        return True

    return apply


def subtract_health_points(params: dict[str, Any], game: CompiledGame) -> EffectFn:
    value = params.get("value", 1)
    limit = params.get("limit", 0)
    score_if_killed = float(params.get("scoreChangeIfKilled", 0))
    victims = game.leaf_ids(params["stype"]) if params.get("stype") else ()

    def apply(g: Game, a: Sprite, b: Sprite | None) -> bool:
        # Java: unary.SubtractHealthPoints (docs/engine.md, "Health points").
        victim = a
        for tid in victims:  # the first sprite of the last of these types that has any
            if g.present[tid]:
                victim = g.sprites(tid)[0]
        victim = g.own(victim)
        victim.health -= value
        if victim.health > limit:
            return True
        g.kill(victim)
        # A kill scores scoreChangeIfKilled instead of the rule's score.
        g.score += score_if_killed
        return False

    return apply


@dataclass(frozen=True)
class EffectKind:
    """An effect's factory and how it may move its first sprite.

    ``relocates``: moves the first sprite somewhere new (its type can then not be kept in the
    static cell index). ``restores``: only ever puts it back at its start-of-tick place, which is a
    no-op on a sprite that never moves. ``restores_all``: puts every sprite back at its
    start-of-tick place (so it is not ``restores``: it acts on a first sprite that stayed put).
    ``creates``: may create a sprite of type ``stype``. ``clones``: may create a sprite of the
    first sprite's type. ``binary``: needs a second sprite, so no end-of-screen rule may use it.
    """

    build: Callable[[dict[str, Any], CompiledGame], EffectFn]
    relocates: bool = False
    restores: bool = False
    restores_all: bool = False
    creates: bool = False
    clones: bool = False
    binary: bool = False


EFFECTS: dict[str, EffectKind] = {
    "stepBack": EffectKind(step_back, restores=True),
    "killSprite": EffectKind(kill_sprite),
    "transformTo": EffectKind(transform_to, creates=True),
    "collectResource": EffectKind(collect_resource, binary=True),
    "killIfFromAbove": EffectKind(kill_if_from_above, binary=True),
    "killIfOtherHasMore": EffectKind(kill_if_other_has_more, binary=True),
    "pullWithIt": EffectKind(pull_with_it, relocates=True, binary=True),
    "shieldFrom": EffectKind(shield_from),
    "wrapAround": EffectKind(wrap_around, relocates=True),
    "reverseDirection": EffectKind(reverse_direction),
    "spawn": EffectKind(spawn, creates=True),
    "spawnIfHasMore": EffectKind(spawn_if_has_more, creates=True),
    "changeResource": EffectKind(change_resource),
    "killBoth": EffectKind(kill_both, binary=True),
    "cloneSprite": EffectKind(clone_sprite, clones=True),
    "turnAround": EffectKind(turn_around, relocates=True),
    "bounceForward": EffectKind(bounce_forward, relocates=True, binary=True),
    "teleportToExit": EffectKind(teleport_to_exit, relocates=True, binary=True),
    "undoAll": EffectKind(undo_all, restores_all=True),
    "addHealthPoints": EffectKind(add_health_points),
    "subtractHealthPoints": EffectKind(subtract_health_points),
}
