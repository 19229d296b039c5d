"""Declarative game descriptions: the data a game file writes and the engine compiles.

A game is a sprite tree (classes and parameters, inherited by children), a level legend, an
ordered interaction set and an ordered termination set, mirroring a VGDL file's four sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EOS = "EOS"
"""Second type of an interaction that fires when the first sprite leaves the level (docs/engine.md,
"End-of-screen rules")."""


@dataclass(frozen=True)
class SpriteNode:
    """One node of the SpriteSet. A node with children is a group; only leaves are created.

    ``sprite_class`` and ``params`` are inherited by children unless they override them (Java:
    ``VGDLParser._parseSprites``).
    ``symbol`` is how the type is drawn in text renderings when no legend character has it.
    """

    name: str
    sprite_class: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    children: tuple[SpriteNode, ...] = ()
    symbol: str | None = None


def sprite(
    name: str,
    sprite_class: str | None = None,
    *children: SpriteNode,
    symbol: str | None = None,
    **params: Any,
) -> SpriteNode:
    """Shorthand for a :class:`SpriteNode`: ``sprite("rock", "Missile", orientation="DOWN")``."""
    return SpriteNode(name, sprite_class, dict(params), tuple(children), symbol)


@dataclass(frozen=True)
class Interaction:
    """``first second... > effect``: apply ``effect`` to every overlapping (first, second) pair.

    ``score`` is added to the game score each time the effect succeeds (Java:
    ``Game.executeEffect``; docs/engine.md, "Score").
    """

    first: str
    seconds: tuple[str, ...]
    effect: str
    score: float = 0.0
    params: dict[str, Any] = field(default_factory=dict)


def rule(first: str, *seconds: str, effect: str, score: float = 0.0, **params: Any) -> Interaction:
    """Shorthand for an :class:`Interaction`: ``rule("avatar", "wall", effect="stepBack")``."""
    return Interaction(first, tuple(seconds), effect, score, dict(params))


@dataclass(frozen=True)
class SpriteCounter:
    """Ends the game when the live, non-disabled sprites of ``stype`` number ``limit`` or fewer."""

    stype: str
    win: bool
    limit: int = 0


@dataclass(frozen=True)
class MultiSpriteCounter:
    """Ends the game when the live sprites of all ``stypes`` together number exactly ``limit``."""

    stypes: tuple[str, ...]
    win: bool
    limit: int = 0


@dataclass(frozen=True)
class Timeout:
    """Ends the game once the tick index reaches ``limit`` (Java: ``core.termination.Timeout``;
    docs/engine.md, "Timeout")."""

    limit: int
    win: bool


Termination = SpriteCounter | MultiSpriteCounter | Timeout


@dataclass(frozen=True)
class GameDescription:
    """Everything the engine needs to play one game; see ``gvgai_py/games/`` for ours."""

    name: str
    sprites: tuple[SpriteNode, ...]
    legend: dict[str, tuple[str, ...]]
    interactions: tuple[Interaction, ...]
    terminations: tuple[Termination, ...]
