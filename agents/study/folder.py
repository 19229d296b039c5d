"""The study's folder: ``out`` is claimed for one game's study (its :data:`STUDY_FILE`)
before anything is written to it, so that a study never writes into a folder of something
else."""

from __future__ import annotations

import json

from gvgai_agents.study.config import StudyConfig
from gvgai_py.files import write_text_atomically
from gvgai_py.outputs import OutputError, check_folder

STUDY_FILE = "study.json"
STUDY_FORMAT = "gvgai-study/1"


def claim_out(config: StudyConfig, force: bool = False) -> None:
    """Make ``config.out`` this study's folder, or refuse it before anything is written.

    It may be missing (it is created), an empty folder, or a study folder of the same game:
    the study continues there (and :func:`~gvgai_agents.study.runs.check_belongs` refuses
    runs trained with other settings). Any other folder is taken only with ``force`` (files
    the study writes there are overwritten); a file, or the folder of a study of another
    game, never.
    """
    out = config.out
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a study folder")
    check_folder(out)
    marker = out / STUDY_FILE
    if marker.is_file():
        try:
            found = json.loads(marker.read_text())
        except ValueError:  # not JSON, or not UTF-8
            found = None
        if not isinstance(found, dict) or found.get("format") != STUDY_FORMAT:
            raise OutputError(f"{marker} is not a gvgai study file ({STUDY_FORMAT})")
        if found.get("game") != config.game:
            raise OutputError(f"--out {out} holds a study of {found.get('game')}, not "
                              f"{config.game}: use another --out")
        return
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(f"--out {out} is a folder but not a study folder (it has no "
                          f"{STUDY_FILE}): add --force to write the study into it")
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomically(marker, json.dumps({"format": STUDY_FORMAT, "game": config.game}))
