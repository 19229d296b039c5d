"""Interaction effects (Java: ``ontology.effects``; docs/engine.md, "Effects").

``a`` is the rule's first sprite, ``b`` its second.

Each entry of :data:`EFFECTS` builds, from a rule's parameters, a function
``(game, a, b) -> bool`` that applies the effect and returns whether it succeeded; the rule's
score is added only on success (docs/engine.md, "Score"). ``b`` is ``None`` for end-of-screen rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gvgai_py.engine.sprites import Sprite, try_move

if TYPE_CHECKING:
    from gvgai_py.engine.compiler import CompiledGame
    from gvgai_py.engine.game import Game

EffectFn = Callable[["Game", Sprite, "Sprite | None"], bool]


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


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


@dataclass(frozen=True)
class EffectKind:
    """An effect's factory and how it may move its first sprite.

    ``relocates``: moves the first sprite somewhere new (its type can then not be kept in the
    static cell index). ``restores``: only ever puts it back at its start-of-tick place, which is a
    no-op on a sprite that never moves. ``creates``: may create a sprite of type ``stype``.
    """

    build: Callable[[dict[str, Any], CompiledGame], EffectFn]
    relocates: bool = False
    restores: bool = False
    creates: bool = False


EFFECTS: dict[str, EffectKind] = {
    "stepBack": EffectKind(step_back, restores=True),
    "killSprite": EffectKind(kill_sprite),
    "transformTo": EffectKind(transform_to, creates=True),
    "collectResource": EffectKind(collect_resource),
    "killIfFromAbove": EffectKind(kill_if_from_above),
    "killIfOtherHasMore": EffectKind(kill_if_other_has_more),
    "pullWithIt": EffectKind(pull_with_it, relocates=True),
    "shieldFrom": EffectKind(shield_from),
    "wrapAround": EffectKind(wrap_around, relocates=True),
    "reverseDirection": EffectKind(reverse_direction),
    "spawn": EffectKind(spawn, creates=True),
    "spawnIfHasMore": EffectKind(spawn_if_has_more, creates=True),
    "changeResource": EffectKind(change_resource),
}
