"""``gvgai eval``'s progress bar and ``--video``: videos of the first episodes of each test set,
named after the episode they show, and never written into a used folder without --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tiny_models import CORRIDOR, zelda_model

from gvgai_agents import eval_command
from gvgai_agents.algorithms import load_model
from gvgai_agents.evaluate import Videos, play
from gvgai_agents.levels import parse_level_set
from gvgai_py.cli import main

BLOCKED = "wwwwwwwwww\nwA+...w.gw\nwwwwwwwwww\n"
"""A wall before the door: always going right times out after MAX_STEPS ticks."""


@pytest.fixture
def run_dir(tmp_path) -> Path:
    zelda_model(tmp_path / "run" / "model.zip", always="RIGHT")
    return tmp_path / "run"


@pytest.fixture
def levels(tmp_path) -> dict[str, Path]:
    """Test sets: a folder whose levels alternate (won, timed out) and one level file."""
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "a.txt").write_text(CORRIDOR)
    (tmp_path / "mixed" / "b.txt").write_text(BLOCKED)
    (tmp_path / "corridor.txt").write_text(CORRIDOR)
    return {"mixed": tmp_path / "mixed", "corridor": tmp_path / "corridor.txt"}


def seconds(video: Path) -> float:
    from moviepy import VideoFileClip

    with VideoFileClip(str(video)) as clip:
        assert clip.size == [10 * 10 * 4, 3 * 10 * 4]  # the frame, 4 times enlarged
        return clip.duration


def test_videos_are_named_after_the_episodes_they_show_across_environments(
        run_dir, levels, tmp_path):
    pytest.importorskip("moviepy")
    mixed = parse_level_set("zelda", str(levels["mixed"]), training=False)
    folder = tmp_path / "videos"
    # Two environments: one plays episodes 0, 2, 4 (level a, won in 7 ticks), the other 1, 3
    # (level b, timed out after 30).
    outcomes = play(load_model(run_dir / "model.zip"), mixed, 5, parallel=2,
                    videos=Videos(folder, 3))
    assert [o.won for o in outcomes] == [True, False, True, False, True]
    assert sorted(p.name for p in folder.iterdir()) == [f"episode-{i}.mp4" for i in range(3)]
    durations = [seconds(folder / f"episode-{i}.mp4") for i in range(3)]
    assert durations[0] == durations[2] < 1.0 < 1.5 < durations[1]


def test_eval_video_records_each_test_set_in_its_folder_and_respects_force(
        run_dir, levels, tmp_path, capsys):
    pytest.importorskip("moviepy")
    videos = tmp_path / "videos"
    argv = ["eval", str(run_dir), "--levels", str(levels["mixed"]), str(levels["corridor"]),
            "--episodes", "4", "--video", str(videos), "--video-episodes", "2"]
    assert main(argv) == 0
    for name in ("mixed", "corridor"):
        files = sorted((videos / name).iterdir())
        assert [f.name for f in files] == ["episode-0.mp4", "episode-1.mp4"]
        assert all(f.stat().st_size > 0 for f in files)
    assert json.loads((run_dir / "eval.json").read_text())["videos"] == str(videos)
    assert f"videos: {videos}/<test set>/episode-<i>.mp4" in capsys.readouterr().out

    before = (videos / "mixed" / "episode-0.mp4").stat().st_mtime_ns
    assert main([*argv, "--out", str(tmp_path / "again.json")]) == 2
    assert capsys.readouterr().err == (f"gvgai eval: error: --video {videos} is not empty: add "
                                       "--force to record into it (overwriting videos of the "
                                       "same names)\n")
    assert not (tmp_path / "again.json").exists()
    assert (videos / "mixed" / "episode-0.mp4").stat().st_mtime_ns == before
    assert main([*argv, "--force"]) == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--video", "{tmp}/corridor.txt"], "corridor.txt is a file, not a folder"),
        (["--video", "{tmp}/v", "--video-episodes", "0"], "--video-episodes must be positive"),
        (["--video", "{tmp}/v", "--levels", "{tmp}/corridor.txt", "{tmp}/corridor.txt"],
         "two of the same name would share a video folder"),
    ],
)
def test_bad_video_options_are_one_line(run_dir, levels, tmp_path, capsys, extra, message):
    extra = [word.replace("{tmp}", str(tmp_path)) for word in extra]
    argv = ["eval", str(run_dir), "--levels", str(levels["corridor"]), "--episodes", "1",
            *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "v").exists()


def test_eval_video_without_moviepy_is_one_line(run_dir, levels, tmp_path, capsys,
                                                monkeypatch):
    monkeypatch.setattr(eval_command, "find_spec", lambda name: None)  # as if not installed
    argv = ["eval", str(run_dir), "--levels", str(levels["corridor"]), "--video",
            str(tmp_path / "v")]
    assert main(argv) == 2
    assert capsys.readouterr().err == ("gvgai eval: error: --video needs moviepy, which this "
                                       "installation lacks: pip install 'gvgai_py[video]'\n")
    assert not (run_dir / "eval.json").exists() and not (tmp_path / "v").exists()


def test_eval_shows_a_progress_bar_of_each_test_sets_episodes(run_dir, levels, capsys):
    assert main(["eval", str(run_dir), "--levels", str(levels["mixed"]),
                 str(levels["corridor"]), "--episodes", "6"]) == 0
    err = capsys.readouterr().err
    assert "mixed: 100%" in err and "corridor: 100%" in err
    assert err.count("6/6 [") == 2 and "episode/s" in err
