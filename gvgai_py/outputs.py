"""Checks that a ``gvgai`` command makes on what it will write, before its long work starts.

Every command that writes files calls these first, so that it never overwrites a file it was
not asked to (``--force``), never writes over one of its own inputs (not even with
``--force``), and fails at once, not after an hour of training or a whole game, when it could
not write its output at the end. They create nothing: the command creates the missing folders
when it writes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


class OutputError(Exception):
    """A file or folder that a command must not, or cannot, write (one line for the user)."""


def check_targets(
    paths: Iterable[str | Path], *, force: bool = False, inputs: Iterable[str | Path] = ()
) -> None:
    """Refuse to write the files ``paths`` when one of them is one of ``inputs`` (the same
    file, through any link) or a folder, when one exists and ``force`` is false, or when
    their folders cannot be written (see :func:`check_folder`)."""
    paths = [Path(p) for p in paths]
    inputs = [Path(p) for p in inputs]
    for path in paths:
        if any(same_file(path, source) for source in inputs):
            raise OutputError(f"{path} is also an input of this command: write elsewhere")
        if path.is_dir():
            raise OutputError(f"{path} is a folder, not a file")
    # lexists: a symbolic link is the user's too, even when it points nowhere.
    existing = [path for path in paths if os.path.lexists(path)]
    if existing and not force:
        if len(existing) == 1:
            raise OutputError(f"{existing[0]} already exists: add --force to overwrite it")
        raise OutputError(f"{existing[0]} and {len(existing) - 1} more of the files to write "
                          "already exist: add --force to overwrite them")
    for folder in dict.fromkeys(path.parent for path in paths):
        check_folder(folder)


def check_folder(folder: str | Path) -> None:
    """Refuse unless files can be written in ``folder``: it is a folder this process may
    write in, or it does not exist yet and the nearest folder above it that does is one (so
    that it can be created)."""
    folder = Path(folder)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None:  # only when the working directory itself is gone
        raise OutputError(f"cannot write in {folder}: none of the folders above it exists")
    if not existing.is_dir():
        raise OutputError(f"cannot write in {folder}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write in {folder}: no permission to write in {existing}")


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one existing file (by device and inode, so links count)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: it cannot be the other
        return False


def check_plain_name(name: str, option: str) -> None:
    """Refuse a ``name`` that would place a file or folder elsewhere than in the folder it is
    meant for: empty, ``.``, ``..``, or holding a path separator."""
    separators = {os.sep, os.altsep} - {None}
    if name in ("", ".", "..") or any(sep in name for sep in separators):
        raise OutputError(f"{option} must be a plain name (no {' or '.join(sorted(separators))}"
                          f", not empty, . or ..), got {name!r}")
