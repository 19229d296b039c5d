"""Writing files so that a crash never leaves half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"
"""Suffix of the temporary files :func:`save_atomically` writes beside their target."""


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def save_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``: a
    crash leaves either the old file or the new one, never half of one. The file gets the
    permissions of any new file (0666 less the umask), not the 0600 of a temporary file."""
    handle, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    os.close(handle)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~current_umask())
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    """:func:`save_atomically` for a text file."""
    save_atomically(path, lambda tmp: tmp.write_text(text))


def decode_utf8(data: bytes, path: Path, error: type[Exception]) -> str:
    """``data`` (the bytes of the file at ``path``) as text; bytes that are not UTF-8 raise
    ``error`` naming ``path:line:col`` of the first of them."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        col = err.start - (before.rfind(b"\n") + 1) + 1
        raise error(
            f"{path}:{line}:{col}: byte 0x{data[err.start]:02x} is not valid UTF-8 text"
        ) from None
