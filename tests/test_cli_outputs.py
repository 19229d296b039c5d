"""The commands never lose a user's data: every command that writes refuses an existing target
unless ``--force``, refuses its own input even then, and fails in one line before its long
work when it could not write; ``gvgai train --run-name`` stays inside ``--logdir``."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import OUR_LEVELS_DIR

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # gvgai play opens a window
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from gvgai_py.cli import main  # noqa: E402

CORRIDOR = "wwwwwwwwww\nwA+.....gw\nwwwwwwwwww\n"
MINE = b"the user's own file\n"


class LongWorkStarted(Exception):
    """Raised in place of a command's long work: it must never be reached here."""


def start_of_long_work(*args, **kwargs):
    raise LongWorkStarted


def expect_error(capsys, args: list[str], fragment: str) -> None:
    """``gvgai ARGS`` exits with status 2 and one line on stderr holding ``fragment``."""
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err, err


@pytest.fixture
def mine(tmp_path) -> Path:
    """A file of the user's, that no command may change unasked."""
    path = tmp_path / "mine.txt"
    path.write_bytes(MINE)
    return path


@pytest.fixture
def not_a_folder(tmp_path) -> Path:
    """A file standing where a command's output folder would have to be."""
    path = tmp_path / "file"
    path.write_text("")
    return path


@pytest.fixture
def zelda_level(tmp_path) -> Path:
    path = tmp_path / "level.txt"
    shutil.copy(OUR_LEVELS_DIR / "zelda" / "lvl0.txt", path)
    return path


# ------------------------------------------------------------------ gvgai eval
@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A tiny trained run in a corridor level."""
    folder = tmp_path_factory.mktemp("eval")
    (folder / "corridor.txt").write_text(CORRIDOR)
    assert main(["train", "zelda", "--levels", str(folder / "corridor.txt"), "--eval-levels",
                 str(folder / "corridor.txt"), "--steps", "16", "--n-steps", "8",
                 "--n-envs", "2", "--vec-env", "dummy", "--max-episode-steps", "30",
                 "--eval-every", "0", "--logdir", str(folder), "--run-name", "run"]) == 0
    return folder / "run"


def eval_args(run_dir: Path, *extra: str) -> list[str]:
    return ["eval", *extra, "--levels", str(run_dir.parent / "corridor.txt"),
            "--episodes", "1"]


def test_eval_refuses_an_existing_report_unless_forced(run_dir, mine, capsys):
    expect_error(capsys, eval_args(run_dir, str(run_dir), "--out", str(mine)),
                 "already exists: add --force")
    assert mine.read_bytes() == MINE
    assert main(eval_args(run_dir, str(run_dir), "--out", str(mine), "--force")) == 0
    assert json.loads(mine.read_text())["results"][0]["episodes"] == 1


def test_eval_never_writes_over_the_model_it_evaluates(run_dir, tmp_path, capsys):
    run_dir = Path(shutil.copytree(run_dir, tmp_path / "run"))  # the old code overwrote it
    (tmp_path / "corridor.txt").write_text(CORRIDOR)
    model = run_dir / "model.zip"
    before = model.read_bytes()
    link = tmp_path / "link.zip"
    link.symlink_to(model)
    for force in ([], ["--force"]):
        for target in (run_dir, model):
            for out in (model, link):
                expect_error(capsys, eval_args(run_dir, str(target), "--out", str(out), *force),
                             "is also an input of this command")
    assert model.read_bytes() == before and link.is_symlink()


def test_eval_fails_before_evaluating_when_it_could_not_write(run_dir, not_a_folder, capsys,
                                                              monkeypatch):
    from gvgai_agents import evaluate

    monkeypatch.setattr(evaluate, "evaluate", start_of_long_work)
    expect_error(capsys, eval_args(run_dir, str(run_dir), "--out",
                                   str(not_a_folder / "sub" / "eval.json")),
                 f"{not_a_folder} is not a folder")


# ------------------------------------------------------------------ gvgai generate
def generate_args(out: Path, *extra: str) -> list[str]:
    return ["generate", "zelda", "--count", "2", "--seed", "100", "--out", str(out), *extra]


def test_generate_refuses_to_overwrite_levels_unless_forced(tmp_path, capsys, monkeypatch):
    from gvgai_generators import commands

    edited = tmp_path / "zelda_0.txt"
    edited.write_bytes(MINE)
    with monkeypatch.context() as patch:
        patch.setattr(commands, "generate_verified", start_of_long_work)
        expect_error(capsys, generate_args(tmp_path), "zelda_0.txt already exists")
    assert edited.read_bytes() == MINE and not (tmp_path / "zelda_1.txt").exists()

    assert main(generate_args(tmp_path, "--force")) == 0
    assert edited.read_bytes() != MINE and (tmp_path / "zelda_1.txt").is_file()
    assert not list(tmp_path.glob(".*"))  # written atomically: no temporary file is left
    (tmp_path / "zelda_1.txt").write_bytes(MINE)
    expect_error(capsys, generate_args(tmp_path), "and 1 more of the files to write")


def test_generate_fails_before_generating_when_it_could_not_write(not_a_folder, capsys,
                                                                  monkeypatch):
    from gvgai_generators import commands

    monkeypatch.setattr(commands, "generate_verified", start_of_long_work)
    expect_error(capsys, generate_args(not_a_folder / "sub"), f"{not_a_folder} is not a folder")


# ------------------------------------------------------------------ gvgai render
def test_render_refuses_an_existing_image_unless_forced(mine, capsys):
    expect_error(capsys, ["render", "zelda", "--out", str(mine)], "already exists")
    assert mine.read_bytes() == MINE
    assert main(["render", "zelda", "--out", str(mine), "--force"]) == 0
    assert mine.read_bytes() != MINE  # an image (pygame picks its format by the suffix)


def test_render_never_writes_over_the_level_it_renders(zelda_level, capsys):
    before = zelda_level.read_bytes()
    for force in ([], ["--force"]):
        expect_error(capsys, ["render", "zelda", "--level", str(zelda_level), "--out",
                              str(zelda_level), *force], "is also an input of this command")
    assert zelda_level.read_bytes() == before


def test_render_fails_before_rendering_when_it_could_not_write(not_a_folder, capsys,
                                                               monkeypatch):
    from gvgai_py import envs

    monkeypatch.setattr(envs, "GVGAIEnv", start_of_long_work)
    expect_error(capsys, ["render", "zelda", "--out", str(not_a_folder / "x.png")],
                 f"{not_a_folder} is not a folder")


# ------------------------------------------------------------------ gvgai play
def play_args(record: Path, *extra: str) -> list[str]:
    return ["play", "zelda", "--fps", "0", "--max-frames", "3", "--record", str(record), *extra]


def test_play_refuses_an_existing_recording_before_the_game_unless_forced(mine, capsys):
    expect_error(capsys, play_args(mine), "already exists: add --force")
    assert mine.read_bytes() == MINE
    assert main(play_args(mine, "--force")) == 0
    assert "episode 1:" in capsys.readouterr().out
    assert len(json.loads(mine.read_text())["episodes"]) == 1


def test_play_never_records_over_the_level_it_plays(zelda_level, capsys):
    before = zelda_level.read_bytes()
    for force in ([], ["--force"]):
        expect_error(capsys, play_args(zelda_level, "--level", str(zelda_level), *force),
                     "is also an input of this command")
    assert zelda_level.read_bytes() == before


def test_play_fails_before_the_game_when_it_could_not_record(not_a_folder):
    """Run as a user runs it: one line on stderr, no traceback, and no game played first."""
    gvgai = Path(sys.executable).with_name("gvgai")
    done = subprocess.run([str(gvgai), *play_args(not_a_folder / "x.json")],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "SDL_VIDEODRIVER": "dummy"})
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert f"{not_a_folder} is not a folder" in done.stderr
    assert "episode 1" not in done.stdout


def test_an_os_error_is_one_line_with_exit_status_2(not_a_folder, capsys):
    expect_error(capsys, ["play", "zelda", "--replay", str(not_a_folder / "x.json")],
                 f"{not_a_folder / 'x.json'}: Not a directory")


# ------------------------------------------------------------------ gvgai study
@pytest.fixture
def study_started(monkeypatch):
    """Makes the study's first long step raise :class:`LongWorkStarted`."""
    from gvgai_agents import study

    monkeypatch.setattr(study, "prepare_test_sets", start_of_long_work)


def study_args(out: Path, *extra: str) -> list[str]:
    return ["study", "zelda", "--conditions", "0", "--smoke", "--out", str(out), *extra]


def test_study_refuses_a_folder_that_is_not_its_own_unless_forced(tmp_path, capsys,
                                                                  study_started):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_bytes(MINE)
    expect_error(capsys, study_args(folder), "not a study folder")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    from gvgai_agents.study import STUDY_FILE

    with pytest.raises(LongWorkStarted):
        main(study_args(folder, "--force"))
    assert (folder / "notes.txt").read_bytes() == MINE
    assert json.loads((folder / STUDY_FILE).read_text())["game"] == "zelda"
    with pytest.raises(LongWorkStarted):  # now a study folder of zelda: it continues
        main(study_args(folder))


def test_study_refuses_the_folder_of_a_study_of_another_game_even_forced(tmp_path, capsys,
                                                                         study_started):
    frogs = tmp_path / "frogs"
    with pytest.raises(LongWorkStarted):
        main(["study", "frogs", "--conditions", "0", "--smoke", "--out", str(frogs)])
    before = sorted(frogs.rglob("*"))
    for force in ([], ["--force"]):
        expect_error(capsys, study_args(frogs, *force), "holds a study of frogs, not zelda")
    assert sorted(frogs.rglob("*")) == before


@pytest.mark.parametrize(("out", "fragment"), [
    ("mine.txt", "mine.txt is a file, not a study folder"),
    ("file/sub", "file is not a folder"),
])
def test_study_refuses_a_file_or_a_path_through_one(out, fragment, mine, not_a_folder, capsys,
                                                    study_started):
    for force in ([], ["--force"]):
        expect_error(capsys, study_args(mine.parent / out, *force), fragment)
    assert mine.read_bytes() == MINE


# ------------------------------------------------------------------ gvgai train
@pytest.mark.parametrize("name", ["../../x", "a/b", "..", ".", ""])
def test_train_run_name_must_be_a_plain_name(name, tmp_path, capsys):
    (tmp_path / "corridor.txt").write_text(CORRIDOR)
    logdir = tmp_path / "logs" / "deep"
    expect_error(capsys, ["train", "zelda", "--levels", str(tmp_path / "corridor.txt"),
                          "--steps", "16", "--n-steps", "8", "--n-envs", "1", "--vec-env",
                          "dummy", "--eval-every", "0", "--logdir", str(logdir),
                          "--run-name", name],
                 "--run-name must be a plain name")
    assert [p.name for p in tmp_path.rglob("*")] == ["corridor.txt"]


def test_train_refuses_force_it_never_deletes_a_run(tmp_path, capsys):
    expect_error(capsys, ["train", "zelda", "--force", "--logdir", str(tmp_path)],
                 "never deletes a run directory")
    assert not list(tmp_path.iterdir())
