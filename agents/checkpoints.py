"""Checkpoints of a training run: written as one unit, read back without unpickling anything.

``checkpoints/step_<N>.zip`` is the model (see :mod:`agents.algorithms`). Beside the newest
checkpoint only lies the training state outside the model: an off-policy model's replay buffer
(``step_<N>.replay.npz``, NumPy arrays, read with ``allow_pickle=False``) and the curriculum, if
any (``step_<N>.curriculum.json``, its :meth:`~generators.curriculum.Curriculum.state_dict`).

A checkpoint and its side files are one unit: the side files are written first and the model
last, its zip marking the unit complete; the side files of older checkpoints are removed only
after that. Every file is written atomically, so a process killed at any point leaves the newest
zip with all its side files, and at worst a stale temporary file (:func:`remove_temporaries`).
:func:`check_side_files` refuses a checkpoint without them rather than let a resumed run restart
its curriculum or replay buffer silently.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from stable_baselines3.common.base_class import BaseAlgorithm
from stable_baselines3.common.buffers import ReplayBuffer

from gvgai_agents.algorithms import one_line, write_model
from gvgai_agents.errors import ModelFileError
from gvgai_py.files import TEMPORARY_SUFFIX, save_atomically

if TYPE_CHECKING:
    from gvgai_generators.curriculum import Curriculum

CHECKPOINT_GLOB = "step_*.zip"
REPLAY_BUFFER_SUFFIX = ".replay.npz"
CURRICULUM_SUFFIX = ".curriculum.json"
PICKLED_SUFFIXES = {REPLAY_BUFFER_SUFFIX: ".replay.pkl", CURRICULUM_SUFFIX: ".curriculum.pkl"}
"""What older versions wrote instead: pickles, which are never loaded."""
REPLAY_BUFFER_ARRAYS = ("observations", "next_observations", "actions", "rewards", "dones",
                        "timeouts")
"""SB3's ``ReplayBuffer`` arrays (``next_observations`` is None with
``optimize_memory_usage``)."""
STOP_AT_VARIABLE = "GVGAI_TEST_CHECKPOINT_STOP"
"""Test hook: when this environment variable names one of :data:`STAGES`, the checkpoint
writer stops its own process (SIGSTOP) at that stage, so that a test can kill it there."""
STAGES = ("side-file-temporary", "side-files", "model-temporary", "model")
"""Stages of :func:`write_checkpoint`: a side file written to its temporary file; all side
files in place; the model written to its temporary file; the model in place."""


def checkpoint_path(directory: Path, step: int) -> Path:
    return directory / f"step_{step:012d}.zip"


def latest_checkpoint(directory: Path) -> Path | None:
    """The checkpoint with the highest step count (zero-padded names sort by step)."""
    found = sorted(directory.glob(CHECKPOINT_GLOB))
    return found[-1] if found else None


def write_checkpoint(directory: Path, model: BaseAlgorithm,
                     curriculum: Curriculum | None) -> Path:
    """Save ``model`` and its side files as one unit (see the module docstring)."""
    path = checkpoint_path(directory, model.num_timesteps)
    writers: dict[str, Callable[[Path], None]] = {}
    if getattr(model, "replay_buffer", None) is not None:
        writers[REPLAY_BUFFER_SUFFIX] = lambda tmp: write_replay_buffer(model.replay_buffer, tmp)
    if curriculum is not None:
        writers[CURRICULUM_SUFFIX] = lambda tmp: tmp.write_text(
            json.dumps(curriculum.state_dict()) + "\n")
    for suffix, write in writers.items():
        save_atomically(path.with_suffix(suffix), _then_stop_at(write, "side-file-temporary"))
    _stop_at("side-files")
    save_atomically(path, _then_stop_at(lambda tmp: write_model(model, tmp), "model-temporary"))
    _stop_at("model")
    for suffix in writers:
        for older in directory.glob(f"step_*{suffix}"):
            if older != path.with_suffix(suffix):
                older.unlink()
    return path


def _then_stop_at(write: Callable[[Path], None], stage: str) -> Callable[[Path], None]:
    def write_and_stop(tmp: Path) -> None:
        write(tmp)
        _stop_at(stage)

    return write_and_stop


def _stop_at(stage: str) -> None:
    if os.environ.get(STOP_AT_VARIABLE) == stage:
        os.kill(os.getpid(), signal.SIGSTOP)


def remove_temporaries(directory: Path) -> None:
    """Remove the temporary files that a process killed inside ``save_atomically`` left."""
    for tmp in directory.glob(f".*{TEMPORARY_SUFFIX}"):
        tmp.unlink(missing_ok=True)


def check_side_files(checkpoint: Path, *, replay_buffer: bool, curriculum: bool) -> None:
    """Refuse ``checkpoint`` when a side file the run needs is missing (or is an old pickle)."""
    for suffix, needed, what in ((REPLAY_BUFFER_SUFFIX, replay_buffer, "replay buffer"),
                                 (CURRICULUM_SUFFIX, curriculum, "curriculum")):
        path = checkpoint.with_suffix(suffix)
        if not needed or path.is_file():
            continue
        pickled = checkpoint.with_suffix(PICKLED_SUFFIXES[suffix])
        if pickled.is_file():
            raise ModelFileError(f"{pickled} is a pickle written by an older gvgai, which this one "
                                 f"never loads (a pickle can run code): the run cannot resume with "
                                 f"its {what}; start a new run")
        raise ModelFileError(f"{checkpoint} lacks its {what} ({path.name}): resuming would restart "
                             f"the {what}, so it is refused")


def write_replay_buffer(buffer: ReplayBuffer, path: Path) -> None:
    """The filled rows of ``buffer``'s arrays, its write position and whether it is full."""
    rows = buffer.buffer_size if buffer.full else buffer.pos
    arrays = {name: getattr(buffer, name)[:rows] for name in REPLAY_BUFFER_ARRAYS
              if getattr(buffer, name) is not None}
    with open(path, "wb") as file:
        np.savez(file, pos=np.int64(buffer.pos), full=np.bool_(buffer.full), **arrays)


def read_replay_buffer(checkpoint: Path, buffer: ReplayBuffer) -> None:
    """Fill ``buffer`` (built as the saved one was) from ``checkpoint``'s replay buffer."""
    path = checkpoint.with_suffix(REPLAY_BUFFER_SUFFIX)
    with unreadable_as_model_file_error(path), np.load(path, allow_pickle=False) as saved:
        pos, full = int(saved["pos"]), bool(saved["full"])
        if not 0 <= pos < buffer.buffer_size:
            raise ValueError(f"write position {pos} outside a buffer of {buffer.buffer_size}")
        rows = buffer.buffer_size if full else pos
        arrays = {}
        for name in REPLAY_BUFFER_ARRAYS:
            target = getattr(buffer, name)
            if target is None:
                continue
            array = saved[name]
            if array.dtype != target.dtype or array.shape != (rows, *target.shape[1:]):
                raise ValueError(f"{name} is {array.dtype} {array.shape}, not {target.dtype} "
                                 f"{(rows, *target.shape[1:])}")
            arrays[name] = array
        for name, array in arrays.items():
            getattr(buffer, name)[:rows] = array
        buffer.pos, buffer.full = pos, full


def read_curriculum(checkpoint: Path) -> Curriculum:
    """The curriculum saved with ``checkpoint``."""
    from gvgai_generators.curriculum import curriculum_from_state

    path = checkpoint.with_suffix(CURRICULUM_SUFFIX)
    with unreadable_as_model_file_error(path):
        return curriculum_from_state(json.loads(path.read_text()))


@contextmanager
def unreadable_as_model_file_error(path: Path) -> Iterator[None]:
    try:
        yield
    except Exception as err:  # noqa: BLE001 - a damaged file can fail in many ways
        raise ModelFileError(f"{path} is unreadable ({type(err).__name__}: {one_line(err)})") \
            from None
