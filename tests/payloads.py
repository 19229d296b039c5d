"""Crafted files for the tests of loading: pickles that would run code, in every place a model
file or checkpoint could carry one. Running the payload creates a marker file, so a test proves
that nothing ran by that file's absence.

Tests import this module as ``payloads`` (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

import base64
import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import torch as th


class CreatesFile:
    """Unpickling this creates ``path``: the call could as well be ``os.system``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.path), "w")


def pickled(marker: Path) -> bytes:
    return pickle.dumps(CreatesFile(marker))


def sb3_serialized(marker: Path) -> dict[str, str]:
    """A value of SB3's ``data`` JSON as SB3 writes a pickled object (``cloudpickle``, base64)."""
    return {":type:": "<class 'object'>",
            ":serialized:": base64.b64encode(pickled(marker)).decode()}


def torch_saved(marker: Path) -> bytes:
    """A ``.pth`` entry as ``torch.save`` writes it, holding the payload instead of tensors."""
    buffer = io.BytesIO()
    th.save({"weights": CreatesFile(marker)}, buffer)
    return buffer.getvalue()


def npz_with_object_array(marker: Path) -> bytes:
    """An ``.npz`` whose array of objects NumPy would unpickle with ``allow_pickle=True``."""
    buffer = io.BytesIO()
    np.savez(buffer, pos=np.int64(0), full=np.bool_(False),
             observations=np.array([CreatesFile(marker)], dtype=object))
    return buffer.getvalue()


def replace_entry(archive_path: Path, name: str, content: bytes) -> None:
    """Rewrite the zip at ``archive_path`` with entry ``name`` replaced by ``content``."""
    with zipfile.ZipFile(archive_path) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    entries[name] = content
    with zipfile.ZipFile(archive_path, "w") as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)


def replace_data_fields(model_path: Path, **fields: object) -> None:
    """Set fields of a model file's ``data`` JSON entry."""
    with zipfile.ZipFile(model_path) as archive:
        data = json.loads(archive.read("data"))
    data.update(fields)
    replace_entry(model_path, "data", json.dumps(data).encode())
