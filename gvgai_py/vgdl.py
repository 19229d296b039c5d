"""Read GVGAI's VGDL game descriptions into the engine's :class:`GameDescription`.

A VGDL file (GAIGResearch/GVGAI, ``examples/gridphysics/<game>.txt``) is a game line
(``BasicGame``) and, indented under it, up to four sections: ``SpriteSet``, ``LevelMapping``,
``InteractionSet`` and ``TerminationSet``. How each is read, and where the reader is stricter than
Java's ``core.vgdl.VGDLParser`` (which logs most problems and plays on): docs/vgdl.md.

Class, effect and termination names are checked against the engine's registries
(``SPRITE_CLASSES``, ``EFFECTS``, the ``Termination`` union) when a file is read, so a piece
added to the engine is readable at once; sprite parameters come from the class's ``defaults``
and :data:`SPRITE_PARAMETERS`, effect parameters from :data:`EFFECT_PARAMETERS`.

Any problem is one :class:`VGDLError` whose message starts ``file:line:col:``.
"""

from __future__ import annotations

import re
import typing
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from gvgai_py.engine import CompiledGame, DescriptionError
from gvgai_py.engine.description import (
    EOS,
    GameDescription,
    Interaction,
    SpriteNode,
    Termination,
)
from gvgai_py.engine.effects import EFFECTS
from gvgai_py.engine.sprites import DIRECTIONS, SPRITE_CLASSES, SpriteClass
from gvgai_py.files import decode_utf8

__all__ = [
    "EFFECT_PARAMETERS", "IGNORED_GAME_PARAMETERS", "IGNORED_SPRITE_PARAMETERS",
    "SPRITE_PARAMETERS", "VGDLError", "make_env", "parse_vgdl", "read_vgdl", "sprite_parameters",
]

MAX_FILE_BYTES = 1 << 20
"""VGDL files are a few kilobytes; anything past a mebibyte is refused before it is read."""

# Parameter kinds: how a value is read and checked.
INT, FLOAT, BOOL, DIRECTION, STRING = "int", "float", "bool", "direction", "string"
TYPE = "type"
"""A sprite type or group of the SpriteSet."""
LEAF = "leaf"
"""A leaf sprite type (one that sprites are made of)."""
LEAVES = "leaves"
"""Leaf sprite types separated by commas (undoAll's ``notStype``)."""
RESOURCE = "resource"
"""A leaf sprite type of class Resource."""
EFFECT = "effect"
"""An effect name (shieldFrom's ``ftype``)."""

SPRITE_PARAMETERS: dict[str, str] = {
    "speed": FLOAT,
    "cooldown": INT,
    "orientation": DIRECTION,
    "singleton": BOOL,
    "healthPoints": INT,
    "maxHealthPoints": INT,
    "limitHealthPoints": INT,
}
"""Parameters of every sprite class (Java: fields of ``core.vgdl.VGDLSprite`` that the engine
honours). A class also takes the keys of its ``defaults`` (typed like their default values) and,
if it has an ``stype`` role, ``stype``."""

IGNORED_SPRITE_PARAMETERS: dict[str, str] = {
    "img": "the image file a sprite is drawn with",
    "orientedImg": "the image of an oriented sprite",
    "color": "the colour a sprite without an image is drawn in",
    "shrinkfactor": "how much smaller than its cell a sprite is drawn (its square is unchanged)",
    "autotiling": "which wall image joins its neighbours",
    "randomtiling": "how often a random floor image is drawn",
    "frameRate": "how fast a sprite's images are animated",
    "draw_arrow": "an arrow drawn on oriented sprites",
    "hidden": "leaves the type out of Java's observation lists; our observations show all types",
    "invisible": "leaves the sprite out of the drawing",
    "portal": "files the type under portals in Java's observation lists (Door sets it)",
}
"""Sprite parameters that change only how a game looks, read and dropped (Java: fields of
``core.vgdl.VGDLSprite`` used by ``draw`` and ``ForwardModel``'s observation lists)."""

IGNORED_GAME_PARAMETERS: dict[str, str] = {
    "square_size": "the block size of Java's planning-track window; our environments use 10",
    "key_handler": "how a human's key presses are read (Pulse or Continuous)",
    "obs": "obstacles for the path finder that Java's agents may ask for",
}
"""Parameters of the game line (Java: ``core.game.BasicGame``, ``core.game.Game``) that do not
change how a game plays, read and dropped."""

EFFECT_PARAMETERS: dict[str, dict[str, str]] = {
    "stepBack": {},
    "killSprite": {},
    "transformTo": {"stype": LEAF, "killSecond": BOOL},
    "collectResource": {},
    "killIfFromAbove": {},
    "killIfOtherHasMore": {"resource": RESOURCE, "limit": INT},
    "pullWithIt": {},
    "shieldFrom": {"stype": TYPE, "ftype": EFFECT},
    "wrapAround": {},
    "reverseDirection": {},
    "spawn": {"stype": LEAF, "prob": FLOAT},
    "spawnIfHasMore": {"stype": LEAF, "resource": RESOURCE, "limit": INT},
    "changeResource": {"resource": RESOURCE, "value": INT},
    "killBoth": {},
    "cloneSprite": {},
    "turnAround": {},
    "bounceForward": {},
    "teleportToExit": {},
    "undoAll": {"notStype": LEAVES},
    "addHealthPoints": {"value": INT, "killSecond": BOOL},
    "subtractHealthPoints": {
        "value": INT, "limit": INT, "scoreChangeIfKilled": FLOAT, "stype": TYPE,
    },
}
"""The parameters each engine effect reads (``gvgai_py.engine.effects``), besides
``scoreChange``, which every effect takes. An effect of ``EFFECTS`` missing here takes only
``scoreChange`` (tests/test_vgdl.py checks that every effect is listed)."""

REQUIRED_EFFECT_PARAMETERS: dict[str, tuple[str, ...]] = {
    "transformTo": ("stype",),
    "killIfOtherHasMore": ("resource", "limit"),
    "shieldFrom": ("stype", "ftype"),
    "spawn": ("stype",),
    "spawnIfHasMore": ("stype", "resource", "limit"),
    "changeResource": ("resource",),
}
"""Parameters an effect cannot do without."""

TERMINATION_DEFAULTS: dict[str, Any] = {"win": False, "limit": 0}
"""Java's values of a termination's ``win`` and ``limit`` when a file leaves them out
(``core.termination.Termination``: a missing ``win`` is no win, ``limit`` an int field)."""

LIST_FIELDS: dict[str, tuple[str, ...]] = {"stypes": ("stype1", "stype2", "stype3")}
"""Termination fields that VGDL writes as numbered parameters (Java:
``core.termination.MultiSpriteCounter`` has ``stype1`` to ``stype3``)."""

SECTIONS = ("SpriteSet", "LevelMapping", "InteractionSet", "TerminationSet")
DEFAULT_WALL = "wall"
DEFAULT_AVATAR = "avatar"
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")


class VGDLError(ValueError):
    """A VGDL file the reader cannot turn into a game; the message starts ``file:line:col:``."""


@dataclass(frozen=True)
class _Token:
    text: str
    line: int
    col: int


@dataclass
class _Line:
    """One line with content: its tokens (whitespace-separated, comments removed), its
    indentation and the lines nested under it."""

    tokens: list[_Token]
    indent: int
    children: list[_Line] = field(default_factory=list)

    @property
    def first(self) -> _Token:
        return self.tokens[0]


@dataclass(frozen=True)
class _Param:
    name: str
    value: str
    token: _Token

    @property
    def value_col(self) -> int:
        return self.token.col + len(self.name) + 1


@dataclass
class _SpriteEntry:
    name: str
    token: _Token | None
    """Where the name is written; ``None`` for a default type the file does not define."""
    class_token: _Token | None
    params: list[_Param]
    children: list[_SpriteEntry]
    leaf_class: _Token | None = None
    """For a leaf: the class token it is built with (its own, or its nearest ancestor's)."""

    @property
    def class_name(self) -> str | None:
        return self.class_token.text if self.class_token else None


@dataclass(frozen=True)
class _TypeInfo:
    leaf: bool
    sprite_class: str | None
    """The class a leaf is built with; ``None`` for a group."""


def read_vgdl(path: str | Path, name: str | None = None) -> GameDescription:
    """Read a VGDL file; the game is named ``name`` or else the file's stem."""
    path = Path(path)
    try:
        if not path.is_file():
            raise VGDLError(f"{path}: not a file")
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise VGDLError(f"{path}: cannot read the VGDL file: {err.strerror or err}") from None
    if len(data) > MAX_FILE_BYTES:
        raise VGDLError(f"{path}: more than {MAX_FILE_BYTES} bytes, too large for a VGDL file")
    text = decode_utf8(data, path, VGDLError)
    return parse_vgdl(text, name=name or path.stem, source=str(path))


def parse_vgdl(text: str, name: str = "vgdl", source: str = "<string>") -> GameDescription:
    """Read VGDL text into a :class:`GameDescription` named ``name``; ``source`` names the
    text in errors. The description is compiled once before it is returned, so whatever the
    engine would refuse is refused here."""
    return _Reader(source).read(text, name)


def make_env(game_file: str | Path, level_file: str | Path, **kwargs: Any):
    """A :class:`~gvgai_py.envs.GVGAIEnv` of the game in ``game_file`` on the level in
    ``level_file``; ``kwargs`` go to the environment (``obs_type``, ``max_steps``, ...). This is
    the entry point of ``gym.make("gvgai/VGDL-v0", game_file=..., level_file=...)``."""
    from gvgai_py.envs import GVGAIEnv
    from gvgai_py.level import Level

    description = read_vgdl(game_file)
    return GVGAIEnv(description, level=Level.from_file(level_file, description), **kwargs)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, at: _Token | tuple[int, int] | None, message: str) -> typing.NoReturn:
        if at is None:
            raise VGDLError(f"{self.source}: {message}")
        line, col = (at.line, at.col) if isinstance(at, _Token) else at
        raise VGDLError(f"{self.source}:{line}:{col}: {message}")

    # ------------------------------------------------------------------ lines and nesting
    def read(self, text: str, name: str) -> GameDescription:
        root = self._tree(text)
        sections = self._sections(root)
        sprites = [self._sprite_entry(line) for line in sections.get("SpriteSet", ())]
        self._add_defaults(sprites)
        self._check_names(sprites)
        for entry in sprites:
            self._resolve_classes(entry, None)
        types = {
            e.name: _TypeInfo(not e.children, e.leaf_class.text if e.leaf_class else None)
            for e in _walk(sprites)
        }
        nodes = tuple(self._sprite_node(entry, types) for entry in sprites)
        self._check_stypes(sprites, {})
        legend = self._legend(sections.get("LevelMapping", ()), types)
        interactions = tuple(
            rule for line in sections.get("InteractionSet", ())
            for rule in self._interactions(line, types)
        )
        terminations = tuple(
            self._termination(line, types) for line in sections.get("TerminationSet", ())
        )
        description = GameDescription(name, nodes, legend, interactions, terminations)
        try:
            CompiledGame(description)
        except DescriptionError as err:
            self.fail(None, str(err))
        return description

    def _tree(self, text: str) -> _Line:
        """Nest the lines by indentation as Java's ``VGDLParser.indentTreeParser`` and
        ``core.vgdl.Node.insert`` do: a line more indented than the one before is nested under
        it, else under the nearest line above that is less indented. A tab counts as one
        column, as in Java (whose tab replacement has no effect)."""
        root: _Line | None = None
        open_lines: list[_Line] = []
        for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
            content = raw.split("#", 1)[0]
            tokens = [_Token(m[0], number, m.start() + 1) for m in re.finditer(r"\S+", content)]
            if not tokens:
                continue
            line = _Line(tokens, tokens[0].col - 1)
            if root is None:
                root = line
                open_lines = [root]
                continue
            while open_lines and open_lines[-1].indent >= line.indent:
                open_lines.pop()
            if not open_lines:
                self.fail(line.first, "indent this line more than the game line (line "
                          f"{root.first.line}): everything else is nested under it")
            parent = open_lines[-1]
            if parent.children and parent.children[0].indent != line.indent:
                sibling = parent.children[0].first
                self.fail(line.first, f"indented {line.indent} columns but the lines it belongs "
                          f"with {sibling.col - 1} (line {sibling.line})")
            parent.children.append(line)
            open_lines.append(line)
        if root is None:
            self.fail((1, 1), "empty VGDL file (a game line such as BasicGame is needed)")
        return root

    def _sections(self, root: _Line) -> dict[str, list[_Line]]:
        game_class, *params = root.tokens
        if game_class.text != "BasicGame":
            self.fail(game_class, f"game class {game_class.text!r} is not supported "
                      "(only BasicGame)")
        for param in (self._param(token) for token in params):
            if param.name == "no_players":
                if param.value != "1":
                    self.fail((param.token.line, param.value_col),
                              "only one-player games are supported (no_players=1)")
            elif param.name not in IGNORED_GAME_PARAMETERS:
                known = ", ".join(["no_players", *IGNORED_GAME_PARAMETERS])
                self.fail(param.token, f"game parameter {param.name!r} is not supported "
                          f"(known: {known})")
        sections: dict[str, list[_Line]] = {}
        by_lower = {s.lower(): s for s in SECTIONS}
        for line in root.children:
            header = line.first
            section = by_lower.get(header.text.lower())
            if section is None or len(line.tokens) > 1:
                self.fail(header, f"expected a section ({', '.join(SECTIONS)}), "
                          f"got {' '.join(t.text for t in line.tokens)!r}")
            if section in sections:
                self.fail(header, f"second {section} section")
            if section != "SpriteSet":
                for entry in line.children:
                    if entry.children:
                        nested = entry.children[0].first
                        self.fail(nested, f"only SpriteSet entries may have lines nested "
                                  f"under them, not {section} entries")
            sections[section] = line.children
        if "SpriteSet" not in sections:
            self.fail(root.first, "no SpriteSet section")
        return sections

    def _param(self, token: _Token) -> _Param:
        name, equals, value = token.text.partition("=")
        if not equals or not name or not value or "=" in value:
            self.fail(token, f"expected parameter=value, got {token.text!r}")
        return _Param(name, value, token)

    def _params(self, tokens: list[_Token], ignored: typing.Container[str] = ()) -> list[_Param]:
        """The parameters of one line. One given twice is an error, unless it is ``ignored``
        anyway (some GVGAI games repeat ``hidden`` or ``shrinkfactor``; Java keeps the last)."""
        params = [self._param(token) for token in tokens]
        seen: dict[str, _Param] = {}
        for param in params:
            if param.name in seen and param.name not in ignored:
                self.fail(param.token, f"parameter {param.name!r} given twice on this line")
            seen[param.name] = param
        return params

    # ------------------------------------------------------------------ sprite set
    def _sprite_entry(self, line: _Line) -> _SpriteEntry:
        tokens = line.tokens
        if len(tokens) < 2 or tokens[1].text != ">":
            at = tokens[1] if len(tokens) > 1 else tokens[0]
            self.fail(at, "expected 'name > [Class] [parameter=value ...]'")
        name = tokens[0]
        if "=" in name.text:
            self.fail(name, f"expected a sprite type name, got {name.text!r}")
        words = [t for t in tokens[2:] if "=" not in t.text]
        if len(words) > 1:
            self.fail(words[1], f"a sprite type has one class; {words[0].text!r} is already "
                      f"given, so {words[1].text!r} is not expected")
        params = self._params([t for t in tokens[2:] if "=" in t.text],
                              IGNORED_SPRITE_PARAMETERS)
        children = [self._sprite_entry(child) for child in line.children]
        return _SpriteEntry(name.text, name, words[0] if words else None, params, children)

    def _add_defaults(self, entries: list[_SpriteEntry]) -> None:
        """Java's ``Game.loadDefaultConstr`` and ``initSprites`` always define ``wall``
        (Immovable) and ``avatar`` (MovingAvatar); a game may redefine them. An undefined wall
        comes first in the sprite order and an undefined avatar last, where Java's
        ``VGDLParser.parseSpriteSet`` and ``Game.changeSpriteOrder`` put them."""
        defined = {e.name for e in _walk(entries)}
        for name, class_name, front in ((DEFAULT_WALL, "Immovable", True),
                                        (DEFAULT_AVATAR, "MovingAvatar", False)):
            if name not in defined:
                entry = _SpriteEntry(name, None, _Token(class_name, 0, 0), [], [])
                entries.insert(0, entry) if front else entries.append(entry)

    def _check_names(self, entries: list[_SpriteEntry]) -> None:
        seen: dict[str, _SpriteEntry] = {}
        for entry in _walk(entries):
            if entry.name.upper() in ("EOS", "TIME"):
                self.fail(entry.token, f"{entry.name!r} names no sprite type in VGDL; "
                          "choose another name")
            if entry.name in seen:
                self.fail(entry.token, f"sprite type {entry.name!r} is defined twice "
                          f"(first at line {seen[entry.name].token.line})")
            seen[entry.name] = entry

    def _resolve_classes(self, entry: _SpriteEntry, inherited: _Token | None) -> None:
        """The class each leaf is built with. Java's ``VGDLParser._parseSprites`` gives a node
        the class of its nearest ancestor that names one, even when the node names its own;
        a node with children then passes its own class (if it names one) down. So a leaf that
        names a class under a group that names one is built with the group's class (Frogs'
        ``goal > Door`` under ``structure > Immovable`` is an Immovable)."""
        if entry.children:
            for child in entry.children:
                self._resolve_classes(child, entry.class_token or inherited)
            return
        built = inherited or entry.class_token
        if built is None:
            self.fail(entry.token, f"sprite type {entry.name!r} has no class (name one here "
                      "or on a group above it)")
        if built.text not in SPRITE_CLASSES:
            self.fail(built, f"sprite class {built.text!r} is not supported by the engine "
                      f"(supported: {', '.join(SPRITE_CLASSES)})")
        entry.leaf_class = built

    def _sprite_node(self, entry: _SpriteEntry, types: dict[str, _TypeInfo]) -> SpriteNode:
        leaves = list(_leaves(entry))
        params = {}
        for param in entry.params:
            if param.name in IGNORED_SPRITE_PARAMETERS:
                continue
            kinds = set()
            for leaf in leaves:
                sprite_class = SPRITE_CLASSES[leaf.leaf_class.text]
                kind = _sprite_parameter_kind(sprite_class, param.name)
                if kind is None:
                    self.fail(param.token, f"parameter {param.name!r} is not supported for "
                              f"{sprite_class.name} (sprite type {leaf.name!r}); it takes "
                              f"{_list(sprite_parameters(sprite_class))}")
                kinds.add(kind)
            if len(kinds) > 1:
                self.fail(param.token, f"parameter {param.name!r} means different things for "
                          "the types below this group; set it on each type")
            if param.name == "singleton" and len(leaves) > 1:
                self.fail(param.token, "singleton on a group of several types is not supported "
                          "(Java allows one sprite of the whole group; set it on each type)")
            params[param.name] = self._value(param, kinds.pop(), types)
        # Every leaf names the class it is built with (see _resolve_classes), which is not
        # always its own; a group keeps the class it names, which its leaves override.
        sprite_class = entry.leaf_class.text if entry.leaf_class else entry.class_name
        children = tuple(self._sprite_node(child, types) for child in entry.children)
        return SpriteNode(entry.name, sprite_class, params, children)

    def _check_stypes(self, entries: list[_SpriteEntry], above: dict[str, _Param]) -> None:
        """A class that creates, chases or teleports to ``stype`` needs one."""
        for entry in entries:
            params = {**above, **{p.name: p for p in entry.params}}
            if entry.children:
                self._check_stypes(entry.children, params)
                continue
            sprite_class = SPRITE_CLASSES[entry.leaf_class.text]
            if sprite_class.stype is not None and "stype" not in params:
                self.fail(entry.token, f"{entry.name!r} ({sprite_class.name}) needs "
                          "stype=<sprite type>")

    # ------------------------------------------------------------------ values
    def _value(self, param: _Param, kind: str, types: dict[str, _TypeInfo]) -> Any:
        text = param.value
        at = (param.token.line, param.value_col)
        expected = None
        if kind == BOOL:
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            expected = "True or False"
        elif kind == INT:
            if _INTEGER.fullmatch(text):
                return int(text)
            expected = "an integer"
        elif kind == FLOAT:
            if _NUMBER.fullmatch(text):
                return float(text)
            expected = "a number"
        elif kind == DIRECTION:
            if text in DIRECTIONS:
                return text
            expected = f"a direction ({', '.join(DIRECTIONS)})"
        elif kind == EFFECT:
            if text in EFFECTS:
                return text
            expected = "an effect the engine supports"
        elif kind in (TYPE, LEAF, RESOURCE):
            self._check_type(text, kind, at, types, param.name)
            return text
        elif kind == LEAVES:
            for name in text.split(","):
                self._check_type(name, LEAF, at, types, param.name)
            return text
        else:
            return text
        self.fail(at, f"{param.name}={text}: expected {expected}")

    def _check_type(
        self, name: str, kind: str, at: tuple[int, int], types: dict[str, _TypeInfo],
        what: str,
    ) -> None:
        info = types.get(name)
        if info is None:
            self.fail(at, f"{what}: {name!r} is not a sprite type of the SpriteSet")
        if kind in (LEAF, RESOURCE) and not info.leaf:
            self.fail(at, f"{what}: {name!r} is a group; a sprite type without subtypes "
                      "is needed")
        if kind == RESOURCE and info.sprite_class != "Resource":
            self.fail(at, f"{what}: {name!r} is a {info.sprite_class}, not a Resource")

    # ------------------------------------------------------------------ other sections
    def _legend(self, lines: list[_Line], types: dict[str, _TypeInfo]) -> dict[str, tuple]:
        """Java's ``BasicGame`` maps ``w`` to wall and ``A`` to avatar before the
        LevelMapping, which may map them to something else. A default that names a group
        (Zelda's avatar) is left out: sprites are made only of leaf types."""
        legend = {
            char: (name,) for char, name in (("w", DEFAULT_WALL), ("A", DEFAULT_AVATAR))
            if types[name].leaf
        }
        mapped_at: dict[str, int] = {}
        for line in lines:
            tokens = line.tokens
            if len(tokens) < 2 or tokens[1].text != ">":
                at = tokens[1] if len(tokens) > 1 else tokens[0]
                self.fail(at, "expected 'c > sprite types ...'")
            char = tokens[0]
            if len(char.text) != 1:
                self.fail(char, f"a level character is one character, got {char.text!r}")
            if char.text in mapped_at:
                self.fail(char, f"{char.text!r} is mapped twice (first at line "
                          f"{mapped_at[char.text]})")
            mapped_at[char.text] = char.line
            for token in tokens[2:]:
                self._check_type(token.text, LEAF, (token.line, token.col), types,
                                 f"level character {char.text!r}")
            legend[char.text] = tuple(t.text for t in tokens[2:])
        return legend

    def _interactions(self, line: _Line, types: dict[str, _TypeInfo]) -> list[Interaction]:
        tokens = line.tokens
        arrow = next((i for i, t in enumerate(tokens) if t.text == ">"), None)
        if arrow is None or arrow < 2:
            self.fail(tokens[arrow] if arrow is not None else tokens[0],
                      "expected 'first second ... > effect [parameter=value ...]'")
        sides = tokens[:arrow]
        for token in sides:
            if token.text.upper() == "TIME":
                self.fail(token, "TIME interactions are not supported")
            if token.text.upper() != "EOS":
                self._check_type(token.text, TYPE, (token.line, token.col), types,
                                 "interaction")
        words = [t for t in tokens[arrow + 1:] if "=" not in t.text]
        if not words:
            self.fail(tokens[arrow], "no effect after '>'")
        if len(words) > 1:
            self.fail(words[1], f"one effect per line; {words[0].text!r} is already given")
        effect = words[0]
        kind = EFFECTS.get(effect.text)
        if kind is None:
            self.fail(effect, f"effect {effect.text!r} is not supported by the engine "
                      f"(supported: {', '.join(EFFECTS)})")
        first, *seconds = sides
        if first.text.upper() == "EOS":
            # Java's VGDLParser.parseInteractionSet: `EOS x > effect` is `x EOS > effect`.
            first, seconds = None, seconds
        for token in seconds:
            if token.text.upper() == "EOS" and (kind.binary or first is None):
                self.fail(token, f"{effect.text} needs a second sprite; an EOS rule has none"
                          if kind.binary else "EOS on both sides")
        accepted = EFFECT_PARAMETERS.get(effect.text, {})
        score = 0.0
        params: dict[str, Any] = {}
        for param in self._params([t for t in tokens[arrow + 1:] if "=" in t.text]):
            if param.name == "scoreChange":
                score = self._value(param, FLOAT, types)
            elif param.name in accepted:
                params[param.name] = self._value(param, accepted[param.name], types)
            else:
                self.fail(param.token, f"effect {effect.text} takes no parameter "
                          f"{param.name!r} (it takes {_list(['scoreChange', *accepted])})")
        for required in REQUIRED_EFFECT_PARAMETERS.get(effect.text, ()):
            if required not in params:
                self.fail(effect, f"{effect.text} needs {required}=...")
        if first is None:
            return [Interaction(s.text, (EOS,), effect.text, score, params) for s in seconds]
        names = tuple(EOS if t.text.upper() == "EOS" else t.text for t in seconds)
        return [Interaction(first.text, names, effect.text, score, params)]

    def _termination(self, line: _Line, types: dict[str, _TypeInfo]) -> Termination:
        name, *rest = line.tokens
        classes = {cls.__name__: cls for cls in typing.get_args(Termination)}
        cls = classes.get(name.text)
        if cls is None:
            self.fail(name, f"termination {name.text!r} is not supported by the engine "
                      f"(supported: {', '.join(classes)})")
        hints = typing.get_type_hints(cls)
        vgdl_names = {
            vgdl: f.name for f in fields(cls) for vgdl in LIST_FIELDS.get(f.name, (f.name,))
        }
        values: dict[str, Any] = {}
        for param in self._params(rest):
            field_name = vgdl_names.get(param.name)
            if field_name is None:
                self.fail(param.token, f"{cls.__name__} takes no parameter {param.name!r} "
                          f"(it takes {_list(vgdl_names)})")
            hint = hints[field_name]
            kind = BOOL if hint is bool else INT if hint is int else TYPE
            value = self._value(param, kind, types)
            if field_name in LIST_FIELDS:
                values.setdefault(field_name, {})[param.name] = value
            else:
                values[field_name] = value
        for f in fields(cls):
            if f.name in LIST_FIELDS:
                given = values.get(f.name, {})
                if not given:
                    self.fail(name, f"{cls.__name__} needs {LIST_FIELDS[f.name][0]}=...")
                values[f.name] = tuple(given[k] for k in LIST_FIELDS[f.name] if k in given)
            elif f.name not in values:
                if f.name in TERMINATION_DEFAULTS:
                    values[f.name] = TERMINATION_DEFAULTS[f.name]
                elif f.default is MISSING:
                    self.fail(name, f"{cls.__name__} needs {f.name}=...")
        return cls(**values)


def _walk(entries: list[_SpriteEntry]):
    for entry in entries:
        yield entry
        yield from _walk(entry.children)


def _leaves(entry: _SpriteEntry):
    if not entry.children:
        yield entry
    for child in entry.children:
        yield from _leaves(child)


def _list(names) -> str:
    names = list(names)
    return ", ".join(names) if names else "no parameters"


def _kind_of_default(value: Any) -> str:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    if isinstance(value, float):
        return FLOAT
    return DIRECTION if value in DIRECTIONS else STRING


def _sprite_parameter_kind(sprite_class: SpriteClass, name: str) -> str | None:
    if name in SPRITE_PARAMETERS:
        return SPRITE_PARAMETERS[name]
    if name == "stype" and sprite_class.stype is not None:
        return LEAF if sprite_class.stype in ("creates", "exit") else TYPE
    if name in sprite_class.defaults:
        return _kind_of_default(sprite_class.defaults[name])
    return None


def sprite_parameters(sprite_class: SpriteClass) -> list[str]:
    """The parameters a SpriteSet entry of ``sprite_class`` may set (docs/vgdl.md,
    "Parameters")."""
    names = [*SPRITE_PARAMETERS, *(n for n in sprite_class.defaults if n not in SPRITE_PARAMETERS)]
    return names + ["stype"] * (sprite_class.stype is not None)

