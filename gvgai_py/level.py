"""GVGAI text levels: one character per cell, each character a list of sprites.

How a level becomes sprites: docs/engine.md, "Levels, cells and pixels" (Java GVGAI:
``core.game.BasicGame.buildStringLevel``).

Size cap: a level has at most 256 rows and 256 columns (:data:`DEFAULT_MAX_SIZE`; the original
GVGAI levels are at most 13x30), and only the bytes such a grid can take are read from a level
file (:func:`max_file_bytes`). Larger input is a :class:`LevelError` naming the first row or
column past the cap, raised before the level can take memory: a 2000x2000 level took gigabytes
(tens more as pixels or in a training batch). Raise the cap with the environment variable
``GVGAI_MAX_LEVEL_SIZE=ROWSxCOLS`` (e.g. ``512x512``; it also covers ``gvgai`` commands and
Gymnasium environments) or the ``max_size=(rows, cols)`` argument of :meth:`Level.from_file`
and :meth:`Level.from_string`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from gvgai_py.engine import GameDescription
from gvgai_py.files import decode_utf8
from gvgai_py.games import GAMES

MAX_SIZE_VARIABLE = "GVGAI_MAX_LEVEL_SIZE"
"""Environment variable that sets the size cap, ``ROWSxCOLS``."""
DEFAULT_MAX_SIZE = (256, 256)
"""The size cap (rows, cols) when neither ``max_size`` nor the environment variable sets it."""


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


def max_level_size(max_size: tuple[int, int] | None = None) -> tuple[int, int]:
    """The size cap (rows, cols): ``max_size`` if given, else ``GVGAI_MAX_LEVEL_SIZE``, else
    :data:`DEFAULT_MAX_SIZE`. A malformed variable is a ``ValueError`` naming it."""
    if max_size is not None:
        return max_size
    setting = os.environ.get(MAX_SIZE_VARIABLE, "")
    if not setting:
        return DEFAULT_MAX_SIZE
    match = re.fullmatch(r"([1-9]\d*)x([1-9]\d*)", setting.strip().lower())
    if match is None:
        raise ValueError(
            f"{MAX_SIZE_VARIABLE} must be ROWSxCOLS with positive integers (e.g. 512x512), "
            f"got {setting!r}"
        )
    return int(match[1]), int(match[2])


def max_file_bytes(max_size: tuple[int, int]) -> int:
    """The most bytes a level file within ``max_size`` can hold: every character 4 bytes of
    UTF-8 and every line ended by CRLF. More than this cannot be a level within the cap."""
    rows, cols = max_size
    return rows * (4 * cols + 2)


def _lines(text: str) -> list[str]:
    """The rows of level text: a final newline is optional, and CRLF line ends are accepted."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.rstrip("\r") for line in lines]


def _check_size(lines: list[str], source: str, max_size: tuple[int, int]) -> None:
    """Refuse rows past the cap, naming the first row or column past it."""
    max_rows, max_cols = max_size
    hint = f"the cap is {max_rows}x{max_cols}; set {MAX_SIZE_VARIABLE}=ROWSxCOLS to raise it"
    if len(lines) > max_rows:
        raise LevelError(f"{source}:{max_rows + 1}:1: more than {max_rows} rows ({hint})")
    for r, line in enumerate(lines, start=1):
        if len(line) > max_cols:
            raise LevelError(
                f"{source}:{r}:{max_cols + 1}: more than {max_cols} columns ({hint})"
            )


def _read_level_file(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a regular file (one byte more tells a file over the
    limit). A directory, FIFO or device is refused before it is opened: reading a FIFO can block
    forever, and a device such as ``/dev/zero`` never ends. Any failure is a one-line
    :class:`LevelError` naming the path."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            what = "a directory" if stat.S_ISDIR(mode) else "a FIFO, device or socket"
            raise LevelError(f"{path}: {what}, not a level file")
        with path.open("rb") as file:
            return file.read(limit + 1)
    except OSError as err:
        raise LevelError(f"{path}: cannot read the level file: {err.strerror or err}") from None


def _avatar_chars(description: GameDescription) -> frozenset[str]:
    from gvgai_py.engine.registry import compiled

    compiled_game = compiled(description)
    return frozenset(char for char, tids in compiled_game.legend.items()
                     if any(compiled_game.types[t].is_avatar for t in tids))


@dataclass(frozen=True)
class Level:
    """A rectangular level of one game. Rows shorter than the first are padded with spaces.

    Build one with :meth:`from_file` or :meth:`from_string`; both validate everything first, so
    a ``Level`` always has exactly one avatar, only characters its game knows, and a size
    within the cap (see the module docstring).
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
        cls,
        text: str,
        game: str | GameDescription,
        source: str = "<string>",
        max_size: tuple[int, int] | None = None,
    ) -> Level:
        """Parse level text; a final newline is optional. ``source`` names it in errors;
        ``max_size`` (rows, cols) overrides the size cap."""
        description = resolve_game(game)
        lines = _lines(text)
        _check_size(lines, source, max_level_size(max_size))
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
    def from_file(
        cls,
        path: str | Path,
        game: str | GameDescription,
        max_size: tuple[int, int] | None = None,
    ) -> Level:
        """Read a level file (UTF-8; errors name ``path:line:col``). Only a regular file is
        read, and only as many bytes as a level within the cap can take; a file that cannot be
        read is a one-line :class:`LevelError` naming it. ``max_size`` overrides the cap."""
        path = Path(path)
        size = max_level_size(max_size)
        limit = max_file_bytes(size)
        data = _read_level_file(path, limit)
        if len(data) > limit:
            # What was read already runs past the cap: name the first row or column past it.
            _check_size(_lines(data.decode("utf-8", errors="replace")), str(path), size)
            raise LevelError(
                f"{path}: more than {limit} bytes, more than a {size[0]}x{size[1]} level can "
                f"take (set {MAX_SIZE_VARIABLE}=ROWSxCOLS to raise the cap)"
            )
        text = decode_utf8(data, path, LevelError)
        return cls.from_string(text, game, source=str(path), max_size=size)

    def to_string(self) -> str:
        """The GVGAI text form: rows joined by newlines, with a final newline."""
        return "\n".join(self.rows) + "\n"

    def __str__(self) -> str:
        return self.to_string()
