"""Sprite records and the per-tick behaviour of each sprite class (Java: ``ontology.sprites`` and
``ontology.avatar``; docs/engine.md, "Movement" and "Sprite classes").

A :class:`Sprite` is a plain record; what it does each tick is decided by its type's
:class:`SpriteClass`. Behaviours receive the running game so they can draw random numbers and
create sprites; they never look at other sprites.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gvgai_py.engine.compiler import SpriteType
    from gvgai_py.engine.game import Game

NONE = (0, 0)
LEFT = (-1, 0)
RIGHT = (1, 0)
UP = (0, -1)
DOWN = (0, 1)
DIRECTIONS = {"LEFT": LEFT, "RIGHT": RIGHT, "UP": UP, "DOWN": DOWN, "NONE": NONE}
RANDOM_NPC_CHOICES = (UP, LEFT, DOWN, RIGHT)


class Sprite:
    """One sprite: an axis-aligned square of the block size at an integer pixel position."""

    __slots__ = (
        "type", "tid", "uid", "x", "y", "last_x", "last_y", "ticks_since_move",
        "dx", "dy", "killed", "disabled", "first_update", "age",
        "npc_counter", "npc_dx", "npc_dy", "spawn_start", "spawned", "resources", "shared",
        "health", "max_health",
    )

    def __init__(self, stype: SpriteType, uid: int, x: int, y: int) -> None:
        self.type = stype
        self.tid = stype.tid
        self.uid = uid
        self.x = x
        self.y = y
        self.last_x = x
        self.last_y = y
        self.ticks_since_move = 0
        self.dx, self.dy = stype.orientation
        self.killed = False
        self.disabled = False
        self.first_update = True
        self.age = 0
        self.npc_counter = 0
        self.npc_dx = 0
        self.npc_dy = 0
        self.spawn_start = 0
        self.spawned = 0
        self.resources: dict[str, int] = {}
        self.shared = False
        """True for a static sprite record owned by a level layout (see ``Game.own``)."""
        self.health = stype.health
        self.max_health = stype.max_health

    def copy(self) -> Sprite:
        """An independent copy (same uid), for game-state snapshots.

        Every slot is assigned by name: searches copy thousands of sprites, and this is about
        four times as fast as a loop over ``__slots__`` (a test checks that no slot is missed).
        """
        clone = Sprite.__new__(Sprite)
        clone.type, clone.tid, clone.uid = self.type, self.tid, self.uid
        clone.x, clone.y, clone.last_x, clone.last_y = self.x, self.y, self.last_x, self.last_y
        clone.ticks_since_move, clone.dx, clone.dy = self.ticks_since_move, self.dx, self.dy
        clone.killed, clone.disabled = self.killed, self.disabled
        clone.first_update, clone.age = self.first_update, self.age
        clone.npc_counter, clone.npc_dx, clone.npc_dy = self.npc_counter, self.npc_dx, self.npc_dy
        clone.spawn_start, clone.spawned = self.spawn_start, self.spawned
        clone.resources, clone.shared = dict(self.resources), self.shared
        clone.health, clone.max_health = self.health, self.max_health
        return clone

    def __repr__(self) -> str:
        return f"<{self.type.name}#{self.uid} at ({self.x},{self.y})>"


def try_move(sprite: Sprite, dx: int, dy: int, pixels: int) -> bool:
    """Move ``pixels`` in (dx, dy) if the cooldown allows it; reset the counter (Java:
    ``VGDLSprite._updatePos``)."""
    if sprite.ticks_since_move < sprite.type.cooldown or (dx == 0 and dy == 0):
        return False
    sprite.x += dx * pixels
    sprite.y += dy * pixels
    sprite.ticks_since_move = 0
    return True


def move_passively(sprites: Iterable[Sprite]) -> None:
    """Missile-style movement of each sprite along its orientation, skipped on its first
    update. Missiles are the commonest movers, often dozens of one type, so the engine moves a
    whole type with one call."""
    for sprite in sprites:
        if sprite.first_update:
            sprite.first_update = False
        else:
            try_move(sprite, sprite.dx, sprite.dy, sprite.type.step)


def update_random_npc(game: Game, sprite: Sprite) -> None:
    """Repeat the last direction ``cons`` times, then draw a new one (Java: ``RandomNPC``)."""
    if sprite.npc_counter < sprite.type.params["cons"]:
        sprite.npc_counter += 1
    else:
        sprite.npc_dx, sprite.npc_dy = RANDOM_NPC_CHOICES[int(game.rng.integers(4))]
        sprite.npc_counter = 0
    try_move(sprite, sprite.npc_dx, sprite.npc_dy, sprite.type.step)


def update_chaser(game: Game, sprite: Sprite) -> None:
    """Step towards (or, with ``fleeing``, away from) the nearest sprites of ``stype``; with no
    such step, move as a RandomNPC (Java: ``Chaser``, ``Fleeing``; docs/engine.md, "Chaser and
    Fleeing")."""
    stype = sprite.type
    params = stype.params
    if sprite.ticks_since_move < stype.cooldown and not params["cons"]:
        return  # the move would be refused and a draw would change nothing
    x, y = sprite.x, sprite.y
    nearest: list[Sprite] = []
    best = None
    for tid in params["stype"]:
        for target in game.sprites(tid):
            distance = abs(target.x - x) + abs(target.y - y)
            if best is None or distance < best:
                best, nearest = distance, [target]
            elif distance == best:
                nearest.append(target)
    fleeing, max_distance = params["fleeing"], params["maxDistance"]
    moves = []
    if max_distance == -1 or best is None or best <= max_distance:
        for target in nearest:
            dx, dy = target.x - x, target.y - y
            for mx, my in RANDOM_NPC_CHOICES:  # a one-pixel step each way, as Java measures it
                after = abs(dx - mx) + abs(dy - my)
                if (after > best) if fleeing else (after < best):
                    moves.append((mx, my))
    if not moves:
        update_random_npc(game, sprite)
        return
    mx, my = moves[int(game.rng.integers(len(moves)))] if len(moves) > 1 else moves[0]
    try_move(sprite, mx, my, stype.step)


def update_spawn_point(game: Game, sprite: Sprite) -> None:
    """Attempt a spawn on ticks where (first-update tick + tick) is a multiple of the cooldown; a
    new sprite without an orientation of its own takes the spawner's (Java: ``SpawnPoint``)."""
    stype = sprite.type
    if sprite.first_update:
        sprite.first_update = False
        sprite.spawn_start = game.tick
    if (sprite.spawn_start + game.tick) % stype.cooldown != 0:
        return
    prob = stype.params["prob"]
    if prob < 1 and game.rng.random() >= prob:
        return
    new = game.create(stype.params["stype"], sprite.x, sprite.y)
    if new is not None:
        if new.dx == 0 and new.dy == 0:
            new.dx, new.dy = sprite.dx, sprite.dy
        sprite.spawned += 1
        total = stype.params["total"]
        if 0 < total <= sprite.spawned:
            game.kill(sprite)


def update_bomber(game: Game, sprite: Sprite) -> None:
    """A SpawnPoint that also moves like a Missile: it spawns where it stands, then moves
    (Java: ``Bomber``, whose inherited ``SpawnPoint.update`` ends with the passive movement;
    docs/engine.md, "Bomber"). Killing only marks a sprite, so the spawn point's death after
    ``total`` spawns may come before the move."""
    first_update = sprite.first_update
    update_spawn_point(game, sprite)
    if sprite.type.step:
        sprite.first_update = first_update
        move_passively((sprite,))
    # else: Java's _updatePos refuses a move of 0 pixels without restarting the cooldown.


def update_flicker(game: Game, sprite: Sprite) -> None:
    """Age by one tick; die once older than ``limit`` (Java: ``Flicker``)."""
    if sprite.age > sprite.type.params["limit"]:
        game.kill(sprite)
    sprite.age += 1


def act_moving_avatar(game: Game, sprite: Sprite, direction: tuple[int, int], use: bool) -> None:
    """Move one step in the requested direction; blocking is left to the rules."""
    try_move(sprite, direction[0], direction[1], sprite.type.step)


def act_shoot_avatar(game: Game, sprite: Sprite, direction: tuple[int, int], use: bool) -> None:
    """Oriented avatar: turn in place if the direction differs from the facing, else move.

    USE (on a tick with no direction) creates ``stype`` in the cell in front of the avatar.
    """
    if direction != NONE:
        if direction != (sprite.dx, sprite.dy):
            sprite.dx, sprite.dy = direction
        else:
            try_move(sprite, direction[0], direction[1], sprite.type.step)
    elif use:
        block = game.block
        shot = game.create(
            sprite.type.params["stype"], sprite.x + sprite.dx * block, sprite.y + sprite.dy * block
        )
        if shot is not None and shot.type.oriented:
            shot.dx, shot.dy = sprite.dx, sprite.dy


def act_flak_avatar(game: Game, sprite: Sprite, direction: tuple[int, int], use: bool) -> None:
    """Move LEFT or RIGHT (UP and DOWN are no actions of it, so they do nothing); USE creates
    ``stype`` on the avatar's own cell (Java: ``FlakAvatar``, a ``HorizontalAvatar``)."""
    if direction[0]:
        try_move(sprite, direction[0], 0, sprite.type.step)
    elif use:
        game.create(sprite.type.params["stype"], sprite.x, sprite.y)


def act_ongoing_avatar(game: Game, sprite: Sprite, direction: tuple[int, int], use: bool) -> None:
    """Steer immediately (reversal included), NIL keeps the facing; then always move on."""
    if direction != NONE:
        sprite.dx, sprite.dy = direction
    move_passively((sprite,))


@dataclass(frozen=True)
class SpriteClass:
    """What a VGDL sprite class does.

    ``static`` classes never update themselves, so the engine keeps them out of the tick loop.
    A ``passive`` class updates by :func:`move_passively` alone, a whole type at a time.
    Avatars act on the agent's action instead of updating; ``uses`` says whether USE is an action,
    ``horizontal`` that UP and DOWN are not.
    ``stype`` says what the type parameter ``stype`` names, which the compiler resolves:
    ``"creates"``: the leaf type the class creates (its id); ``"exit"``: the leaf type whose
    sprites are the exits of teleportToExit (its id); ``"targets"``: a type or group whose sprites
    the class chases or flees (a tuple of leaf ids); ``None``: the class has no ``stype``.
    """

    name: str
    defaults: dict[str, Any]
    static: bool = False
    update: Callable[[Game, Sprite], None] | None = None
    act: Callable[[Game, Sprite, tuple[int, int], bool], None] | None = None
    oriented: bool = False
    uses: bool = False
    horizontal: bool = False
    passive: bool = False
    stype: str | None = None


_FLICKER = {"limit": 1}
_RANDOM_NPC = {"speed": 1.0, "cooldown": 1, "cons": 0}
_CHASER = {**_RANDOM_NPC, "fleeing": False, "maxDistance": -1}
_SPAWN_POINT = {"cooldown": 1, "prob": 1.0, "total": 0}
_AVATAR = {"speed": 1.0, "cooldown": 1}
_ORIENTED_AVATAR = {**_AVATAR, "orientation": "RIGHT"}

SPRITE_CLASSES: dict[str, SpriteClass] = {
    c.name: c
    for c in (
        SpriteClass("Immovable", {}, static=True),
        SpriteClass("Door", {}, static=True),
        SpriteClass("Passive", {}, static=True),
        SpriteClass("Resource", {"value": 1, "limit": 2}, static=True),
        SpriteClass("Missile", {"speed": 1.0, "cooldown": 1}, passive=True),
        SpriteClass("RandomNPC", _RANDOM_NPC, update=update_random_npc),
        SpriteClass("Chaser", _CHASER, update=update_chaser, stype="targets"),
        SpriteClass("Fleeing", {**_CHASER, "fleeing": True}, update=update_chaser,
                    stype="targets"),
        SpriteClass("SpawnPoint", _SPAWN_POINT, update=update_spawn_point, stype="creates"),
        # Java's Bomber keeps VGDLSprite's speed 0 unless the game sets one.
        SpriteClass("Bomber", {**_SPAWN_POINT, "speed": 0.0, "orientation": "RIGHT"},
                    update=update_bomber, oriented=True, stype="creates"),
        SpriteClass("Portal", {}, static=True, stype="exit"),
        SpriteClass("Flicker", _FLICKER, update=update_flicker),
        SpriteClass("OrientedFlicker", {**_FLICKER, "speed": 0.0}, update=update_flicker,
                    oriented=True),
        SpriteClass("MovingAvatar", _AVATAR, act=act_moving_avatar),
        SpriteClass("ShootAvatar", _ORIENTED_AVATAR, act=act_shoot_avatar, oriented=True,
                    uses=True, stype="creates"),
        SpriteClass("FlakAvatar", _AVATAR, act=act_flak_avatar, uses=True, horizontal=True,
                    stype="creates"),
        SpriteClass("OngoingAvatar", _ORIENTED_AVATAR, act=act_ongoing_avatar, oriented=True),
    )
}
