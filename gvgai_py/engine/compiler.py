"""Compile a :class:`GameDescription` for one block size into integer-indexed tables.

Type names become leaf ids, groups expand to their leaves, inherited parameters are merged,
interactions are grouped into the ordered (first, second) pair list of Java's
``Game.eventHandling`` (docs/engine.md, "Pair rules"), and every effect's parameters are bound
once, so the tick loop never touches a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gvgai_py.engine.description import (
    EOS,
    GameDescription,
    MultiSpriteCounter,
    SpriteNode,
    Timeout,
)
from gvgai_py.engine.effects import EFFECTS, EffectFn
from gvgai_py.engine.sprites import DIRECTIONS, NONE, SPRITE_CLASSES, SpriteClass

ACTION_DIRECTIONS = {
    "NIL": NONE, "USE": NONE, "LEFT": DIRECTIONS["LEFT"], "RIGHT": DIRECTIONS["RIGHT"],
    "DOWN": DIRECTIONS["DOWN"], "UP": DIRECTIONS["UP"],
}


class DescriptionError(ValueError):
    """A game description that the engine cannot compile (unknown class, type or effect)."""


@dataclass(eq=False)
class SpriteType:
    """A leaf sprite type with its class and merged parameters, ready for the tick loop."""

    tid: int
    name: str
    sprite_class: SpriteClass
    params: dict[str, Any]
    static: bool
    step: int
    """Pixels per move: floor(speed x block size) (docs/engine.md, "Movement")."""
    cooldown: int
    orientation: tuple[int, int]
    has_default_orientation: bool
    singleton: bool
    symbol: str | None
    health: int
    """Health points a new sprite starts with (VGDL ``healthPoints``, at most ``max_health``)."""
    max_health: int
    """VGDL ``maxHealthPoints``; ``healthPoints`` when not given (Java:
    ``VGDLSprite.postProcess``)."""
    limit_health: int
    """VGDL ``limitHealthPoints``: addHealthPoints never reaches it."""
    forget_offscreen: bool
    """Not a VGDL parameter: a sprite that has left the level for good (see
    ``Game._forget_offscreen``) is dropped while every sprite it has a rule with is inside the
    level; Java GVGAI keeps it for ever, but it can never touch anything again, so dropping it
    changes nothing but the time every tick takes. The compiler checks that the type allows it
    (see ``CompiledGame.forget_partners``)."""

    @property
    def oriented(self) -> bool:
        return self.sprite_class.oriented

    @property
    def is_avatar(self) -> bool:
        return self.sprite_class.act is not None


@dataclass(frozen=True, eq=False)
class CompiledEffect:
    """One effect of one (first, second) pair; ``second`` is empty for end-of-screen rules."""

    name: str
    apply: EffectFn
    first: tuple[int, ...]
    second: tuple[int, ...]
    score: float
    skips_unmoved: bool
    """The effect only puts its first sprite back at its start-of-tick place and scores nothing,
    so a first sprite that is still there can be skipped without changing anything."""
    indexable: frozenset[int]
    """Moving second types whose sprites may be looked up through a cell index built when the
    effect starts: the effect neither creates them nor moves them anywhere but back to their
    start-of-tick place (which the index also covers)."""
    between_statics: bool
    """Both sides are static types: their overlaps change only when a static sprite is
    created."""


@dataclass(frozen=True)
class CompiledTermination:
    tids: tuple[int, ...]
    limit: int
    win: bool
    exact: bool
    """True for MultiSpriteCounter (count == limit), False for SpriteCounter (count <= limit)."""
    timeout: bool = False
    """True for Timeout: holds from the tick whose index reaches ``limit`` on; ``tids`` is
    empty."""


class CompiledGame:
    """Integer tables for one game at one block size. Shared, read-only, by every episode."""

    def __init__(self, description: GameDescription, block: int = 10) -> None:
        self.description = description
        self.name = description.name
        self.block = block
        self.types: list[SpriteType] = []
        self._groups: dict[str, list[int]] = {}
        leaves = self._collect_leaves(description.sprites)
        relocated = self._relocated_types(description)
        for tid, (name, sprite_class, params, symbol) in enumerate(leaves):
            self.types.append(self._make_type(tid, name, sprite_class, params, symbol, relocated))
        for stype in self.types:
            self._resolve_stype(stype)
        self.avatar_types = tuple(t.tid for t in self.types if t.is_avatar)
        if not self.avatar_types:
            raise DescriptionError(f"{self.name}: no avatar type in the sprite set")
        self.update_order = tuple(
            t.tid for t in reversed(self.types) if not t.static and not t.is_avatar
        )
        # A space creates nothing (Java: ``BasicGame.buildStringLevel``): short level lines are
        # padded with spaces.
        self.legend = {" ": ()} | {
            char: tuple(self.leaf_id(name) for name in names)
            for char, names in description.legend.items()
        }
        self.eos_effects, self.pair_effects = self._compile_interactions(description)
        self.terminations = tuple(self._compile_termination(t) for t in description.terminations)
        self.forget_partners = {
            t.tid: self._forget_partners(t, description) for t in self.types if t.forget_offscreen
        }
        """Per ``forget_offscreen`` type: the types it has a rule with."""
        avatar_class = self.types[self.avatar_types[0]].sprite_class
        # Numbered as GVGAI-Gym numbers them: NIL, then the avatar class's actions in Java's
        # order (docs/engine.md, "The games").
        self.actions = (
            ("NIL",) + ("USE",) * avatar_class.uses + ("LEFT", "RIGHT")
            + ("DOWN", "UP") * (not avatar_class.horizontal)
        )

    # ------------------------------------------------------------------ names
    def leaf_ids(self, name: str) -> tuple[int, ...]:
        """Leaf type ids of a type or group name, in SpriteSet order."""
        try:
            return tuple(self._groups[name])
        except KeyError:
            raise DescriptionError(f"{self.name}: unknown sprite type {name!r}") from None

    def leaf_id(self, name: str) -> int:
        """Id of a leaf type (a group name is an error)."""
        ids = self.leaf_ids(name)
        if len(ids) != 1 or self.types[ids[0]].name != name:
            raise DescriptionError(f"{self.name}: {name!r} is a group, a leaf type is needed")
        return ids[0]

    # ------------------------------------------------------------------ sprites
    def _collect_leaves(self, nodes: tuple[SpriteNode, ...]) -> list[tuple]:
        leaves: list[tuple] = []

        def visit(node: SpriteNode, cls: str | None, params: dict, ancestors: list[str]) -> None:
            cls = node.sprite_class or cls
            params = {**params, **node.params}
            if node.children:
                for child in node.children:
                    visit(child, cls, params, [*ancestors, node.name])
                return
            if cls not in SPRITE_CLASSES:
                raise DescriptionError(f"{self.name}: {node.name!r} has unknown class {cls!r}")
            tid = len(leaves)
            for group in [*ancestors, node.name]:
                self._groups.setdefault(group, []).append(tid)
            leaves.append((node.name, SPRITE_CLASSES[cls], params, node.symbol))

        for node in nodes:
            visit(node, None, {}, [])
        return leaves

    def _relocated_types(self, description: GameDescription) -> set[str]:
        """Names whose sprites some effect moves: they cannot live in the static cell index."""
        names: set[str] = set()
        for inter in description.interactions:
            kind = EFFECTS.get(inter.effect)
            if kind is not None and kind.relocates:
                names.add(inter.first)
        return names

    def _make_type(
        self,
        tid: int,
        name: str,
        sprite_class: SpriteClass,
        own: dict[str, Any],
        symbol: str | None,
        relocated: set[str],
    ) -> SpriteType:
        params = {**sprite_class.defaults, **own}
        orientation = DIRECTIONS[params.get("orientation", "NONE")]
        groups = {g for g, ids in self._groups.items() if tid in ids}
        health = int(params.get("healthPoints", 0))
        max_health = int(params.get("maxHealthPoints", 0)) or health
        return SpriteType(
            tid=tid,
            name=name,
            sprite_class=sprite_class,
            params=params,
            static=sprite_class.static and not (groups & relocated),
            step=int(params.get("speed", 1.0) * self.block),
            cooldown=max(1, int(params.get("cooldown", 1))),
            orientation=orientation,
            has_default_orientation="orientation" in params,
            singleton=bool(params.get("singleton", False)),
            symbol=symbol,
            health=min(health, max_health),
            max_health=max_health,
            limit_health=int(params.get("limitHealthPoints", 1000)),
            forget_offscreen=bool(params.get("forget_offscreen", False)),
        )

    def _resolve_stype(self, stype: SpriteType) -> None:
        """Replace the name in ``stype``'s ``stype`` parameter by what its class needs (see
        ``SpriteClass.stype``)."""
        role = stype.sprite_class.stype
        if role is None:
            return
        name = stype.params.get("stype")
        if name is None:
            raise DescriptionError(
                f"{self.name}: {stype.name!r} ({stype.sprite_class.name}) needs an stype"
            )
        stype.params["stype"] = self.leaf_ids(name) if role == "targets" else self.leaf_id(name)

    # ------------------------------------------------------------------ rules
    def _compile_interactions(self, description: GameDescription):
        eos: list[CompiledEffect] = []
        pair_order: list[tuple[str, str]] = []
        by_pair: dict[tuple[str, str], list] = {}
        for inter in description.interactions:
            if inter.effect not in EFFECTS:
                raise DescriptionError(f"{self.name}: unknown effect {inter.effect!r}")
            for second in inter.seconds:
                key = (inter.first, second)
                if key not in by_pair:
                    by_pair[key] = []
                    pair_order.append(key)
                by_pair[key].append(inter)
        pairs: list[CompiledEffect] = []
        for first_name, second_name in pair_order:
            for inter in by_pair[(first_name, second_name)]:
                effect = self._compile_effect(inter, first_name, second_name)
                if effect is None:
                    continue
                (eos if second_name == EOS else pairs).append(effect)
        return tuple(eos), tuple(pairs)

    def _compile_effect(self, inter, first_name: str, second_name: str) -> CompiledEffect | None:
        kind = EFFECTS[inter.effect]
        if kind.binary and second_name == EOS:
            raise DescriptionError(
                f"{self.name}: {inter.effect} needs a second sprite; an EOS rule has none"
            )
        first = self.leaf_ids(first_name)
        if kind.restores:
            # Putting a never-moving sprite back where it started changes nothing.
            first = tuple(t for t in first if not self.types[t].static)
        if not first:
            return None
        second = () if second_name == EOS else self.leaf_ids(second_name)
        created = self._created_by(inter, first)
        indexable = frozenset(
            t for t in second
            if not self.types[t].static and t not in created
            and not (kind.relocates and t in first)
        )
        return CompiledEffect(
            inter.effect, kind.build(inter.params, self), first, second, float(inter.score),
            skips_unmoved=kind.restores and not inter.score, indexable=indexable,
            between_statics=all(self.types[t].static for t in first + second) and bool(second),
        )

    def _created_by(self, inter, first: tuple[int, ...]) -> set[int]:
        """Leaf types an interaction's effect may create, given its first types."""
        kind = EFFECTS[inter.effect]
        created = set(first) if kind.clones else set()
        if kind.creates:
            created.add(self.leaf_id(inter.params["stype"]))
        return created

    def _forget_partners(self, stype: SpriteType, description: GameDescription) -> tuple[int, ...]:
        """The types ``stype`` has rules with, once checked that a sprite of it gone for good
        can never meet one of them that is inside the level when it is dropped, nor be missed:
        it flies straight on every tick (a Missile with cooldown 1, no end-of-screen rule, no
        rule with its own type, and no termination counting it), its partners are never
        created, never carried, and move no more pixels in a tick than it does, and no effect
        puts every sprite back (undoAll would bring a dropped sprite back towards the level)."""
        tid, partners = stype.tid, set()
        for effect in self.pair_effects:
            if tid in effect.first:
                partners.update(effect.second)
            if tid in effect.second:
                partners.update(effect.first)
        created = {t for i in description.interactions
                   for t in self._created_by(i, self.leaf_ids(i.first))}
        created |= {t.params["stype"] for t in self.types if t.sprite_class.stype == "creates"}
        carried = {t for e in self.pair_effects if EFFECTS[e.name].relocates for t in e.first}
        undone = any(EFFECTS[e.name].restores_all for e in self.pair_effects + self.eos_effects)
        fast = {t for t in partners if not self.types[t].static and self.types[t].step > stype.step}
        problem = (
            "it is not a Missile" if not stype.sprite_class.passive
            else "its cooldown is not 1" if stype.cooldown != 1
            else "it has an end-of-screen rule" if any(tid in e.first for e in self.eos_effects)
            else "it has a rule with its own type" if tid in partners
            else "a termination counts it" if any(tid in t.tids for t in self.terminations)
            else f"{self._names(partners & created)} can be created" if partners & created
            else f"{self._names(partners & carried)} can be carried" if partners & carried
            else f"{self._names(fast)} move faster" if fast
            else "an effect puts every sprite back" if undone
            else None
        )
        if problem:
            raise DescriptionError(
                f"{self.name}: {stype.name!r} cannot forget_offscreen: {problem}"
            )
        return tuple(sorted(partners))

    def _names(self, tids: set[int]) -> str:
        return ", ".join(self.types[t].name for t in sorted(tids))

    def _compile_termination(self, termination) -> CompiledTermination:
        if isinstance(termination, Timeout):
            return CompiledTermination(
                (), termination.limit, termination.win, exact=False, timeout=True
            )
        if isinstance(termination, MultiSpriteCounter):
            tids = tuple(t for name in termination.stypes for t in self.leaf_ids(name))
            return CompiledTermination(tids, termination.limit, termination.win, exact=True)
        return CompiledTermination(
            self.leaf_ids(termination.stype), termination.limit, termination.win, exact=False
        )
