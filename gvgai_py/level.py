"""GVGAI text levels: one character per cell, each character a list of sprites (RULES A1)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gvgai_py.engine import GameDescription
from gvgai_py.games import GAMES


class LevelError(ValueError):
    """A level that cannot be played; the message names ``file:line:col`` and the problem."""


def resolve_game(game: str | GameDescription) -> GameDescription:
    """The description for a game name (case-insensitive) or a description itself."""
    if isinstance(game, GameDescription):
        return game
    try:
        return GAMES[game.lower()]
    except KeyError:
        known = ", ".join(sorted(GAMES))
        raise ValueError(f"unknown game {game!r} (known: {known})") from None


def _avatar_chars(description: GameDescription) -> frozenset[str]:
    from gvgai_py.engine.registry import compiled

    game = compiled(description)
    return frozenset(
        char for char, tids in game.legend.items() if any(game.types[t].is_avatar for t in tids)
    )


@dataclass(frozen=True)
class Level:
    """A rectangular level of one game. Rows shorter than the first are padded with spaces.

    Build one with :meth:`from_file` or :meth:`from_string`; both validate everything first, so
    a ``Level`` always has exactly one avatar and only characters its game knows.
    """

    game: str
    rows: tuple[str, ...]

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return len(self.rows[0])

    @classmethod
    def from_string(
        cls, text: str, game: str | GameDescription, source: str = "<string>"
    ) -> Level:
        """Parse level text; a final newline is optional. ``source`` names it in errors."""
        description = resolve_game(game)
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        lines = [line.rstrip("\r") for line in lines]
        if not lines or not lines[0]:
            raise LevelError(f"{source}:1:1: empty level (the first line sets the width)")
        width = len(lines[0])
        known = set(description.legend) | {" "}
        avatars = _avatar_chars(description)
        avatar_at: list[tuple[int, int]] = []
        for r, line in enumerate(lines, start=1):
            if len(line) > width:
                raise LevelError(
                    f"{source}:{r}:{width + 1}: line is {len(line)} characters long, wider "
                    f"than the first line ({width})"
                )
            for c, char in enumerate(line, start=1):
                if char not in known:
                    listed = " ".join(sorted(description.legend))
                    raise LevelError(
                        f"{source}:{r}:{c}: unknown character {char!r} for "
                        f"{description.name} (known: {listed}, and space)"
                    )
                if char in avatars:
                    avatar_at.append((r, c))
        if not avatar_at:
            raise LevelError(
                f"{source}:1:1: no avatar (one of {' '.join(sorted(avatars))} is needed)"
            )
        if len(avatar_at) > 1:
            (r1, c1), (r2, c2) = avatar_at[:2]
            raise LevelError(
                f"{source}:{r2}:{c2}: more than one avatar (first at line {r1}, col {c1})"
            )
        return cls(description.name, tuple(line.ljust(width) for line in lines))

    @classmethod
    def from_file(cls, path: str | Path, game: str | GameDescription) -> Level:
        """Read a level file (UTF-8; errors name ``path:line:col``)."""
        path = Path(path)
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            before = data[: err.start]
            line = before.count(b"\n") + 1
            col = err.start - (before.rfind(b"\n") + 1) + 1
            raise LevelError(
                f"{path}:{line}:{col}: byte 0x{data[err.start]:02x} is not valid UTF-8 text"
            ) from None
        return cls.from_string(text, game, source=str(path))

    def to_string(self) -> str:
        """The GVGAI text form: rows joined by newlines, with a final newline."""
        return "\n".join(self.rows) + "\n"

    def __str__(self) -> str:
        return self.to_string()
