"""``gvgai train`` and ``gvgai eval`` end to end, on tiny budgets in a corridor level."""

import ast
import json
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path

import pytest
import torch as th
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from gvgai_agents import callbacks, checkpoints
from gvgai_agents.algorithms import load_model, read_metadata
from gvgai_agents.baselines import RandomAgent
from gvgai_agents.config import TrainConfig
from gvgai_agents.errors import ConfigError, LevelsError, ModelFileError
from gvgai_agents.evaluate import evaluate
from gvgai_agents.levels import parse_level_set
from gvgai_agents.train import resume, train
from gvgai_py.cli import COMMAND_GROUP, SUBCOMMANDS, main
from gvgai_py.outputs import OutputError

CORRIDOR = "wwwwwwwwww\nwA+.....gw\nwwwwwwwwww\n"
"""Zelda in a corridor: RIGHT takes the key, six more reach the door."""
CPC_TAGS = {"train/cpc_loss", *(f"train/cpc_acc_k{k}" for k in range(1, 5))}


@pytest.fixture(scope="module")
def level_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("levels") / "corridor.txt"
    path.write_text(CORRIDOR)
    return path


def train_args(level_file: Path, logdir: Path, name: str, *extra: str,
               game: str = "zelda") -> list[str]:
    return ["train", game, "--levels", str(level_file), "--eval-levels", str(level_file),
            "--n-envs", "2", "--vec-env", "dummy", "--max-episode-steps", "30",
            "--logdir", str(logdir), "--run-name", name, *extra]


def scalars(run_dir: Path) -> dict[str, list[tuple[int, float]]]:
    events = EventAccumulator(str(run_dir / "tb"))
    events.Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)]
            for tag in events.Tags()["scalars"]}


@pytest.fixture(scope="module")
def a2c_run(level_file, tmp_path_factory) -> Path:
    logdir = tmp_path_factory.mktemp("runs")
    assert main(train_args(level_file, logdir, "a2c", "--cpc", "--steps", "1200", "--n-steps", "8",
                           "--checkpoint-every", "400", "--eval-every", "600",
                           "--eval-episodes", "2")) == 0
    return logdir / "a2c"


def test_a2c_cpc_run_writes_config_checkpoints_model_and_tags(a2c_run):
    info = json.loads((a2c_run / "config.json").read_text())
    assert info["config"]["algo"] == "a2c" and info["config"]["cpc"] is True
    assert info["config"]["steps"] == 1200 and info["config"]["n_steps"] == 8
    assert info["config"]["device"] == "auto"
    assert info["device"] == ("cuda" if th.cuda.is_available() else "cpu")
    assert {"torch", "stable_baselines3", "gvgai_py"} <= info["versions"].keys()
    assert "git" in info
    steps = [int(p.stem.split("_")[1]) for p in sorted((a2c_run / "checkpoints").iterdir())]
    assert steps == sorted(steps) and steps[0] >= 400 and steps[-1] >= 1200
    assert not list(a2c_run.rglob("*.tmp"))  # atomic writes leave no temporary files
    assert load_model(a2c_run / "model.zip").num_timesteps == steps[-1]

    tags = scalars(a2c_run)
    expected = CPC_TAGS | {"rollout/win_rate", "train/value_loss", "eval/win_rate/corridor",
                           "eval/mean_score/corridor"}
    assert expected <= tags.keys()
    assert all(0.0 <= value <= 1.0 for _, value in tags["rollout/win_rate"])
    assert tags["eval/win_rate/corridor"][0][0] >= 600


def test_dqn_cpc_run_logs_cpc_and_keeps_the_newest_replay_buffer(level_file, tmp_path):
    assert main(train_args(level_file, tmp_path, "dqn", "--algo", "dqn", "--cpc", "--steps", "2400",
                           "--checkpoint-every", "1000", "--eval-every", "0")) == 0
    run_dir = tmp_path / "dqn"
    assert CPC_TAGS | {"rollout/win_rate", "train/loss"} <= scalars(run_dir).keys()
    newest = checkpoints.latest_checkpoint(run_dir / "checkpoints")
    buffers = list((run_dir / "checkpoints").glob("*.replay.*"))
    assert buffers == [newest.with_suffix(".replay.npz")]


def test_resume_after_an_interruption_continues_the_step_count(level_file, tmp_path,
                                                                monkeypatch):
    def interrupt_at_700(self):
        if self.num_timesteps >= 700:
            raise KeyboardInterrupt
        return True

    args = train_args(level_file, tmp_path, "run", "--cpc", "--steps", "1000", "--n-steps", "8",
                      "--checkpoint-every", "300", "--eval-every", "0")
    with monkeypatch.context() as patch:
        patch.setattr(callbacks.WinRateCallback, "_on_step", interrupt_at_700)
        assert main(args) == 130
    run_dir = tmp_path / "run"
    interrupted_at = load_model(checkpoints.latest_checkpoint(run_dir / "checkpoints"))
    assert 600 <= interrupted_at.num_timesteps < 700
    assert not (run_dir / "model.zip").exists()

    # Whichever device the run began on, it may resume on another.
    assert main(["train", "--resume", str(run_dir), "--device", "cpu"]) == 0
    final = load_model(run_dir / "model.zip")
    assert final.num_timesteps >= 1000
    info = json.loads((run_dir / "config.json").read_text())
    assert info["resumed"] == [{"from_checkpoint": f"step_{interrupted_at.num_timesteps:012d}.zip",
                                "step": interrupted_at.num_timesteps, "device": "cpu"}]
    assert info["config"]["device"] == "cpu"
    logged_steps = [step for step, _ in scalars(run_dir)["train/cpc_loss"]]
    assert max(logged_steps) >= 1000
    assert len(final.ep_info_buffer) > len(interrupted_at.ep_info_buffer)  # episodes carry on


def test_eval_reports_win_rate_and_score_with_intervals(a2c_run, level_file, capsys):
    assert main(["eval", str(a2c_run), "--levels", str(level_file), "--episodes", "6"]) == 0
    report = json.loads((a2c_run / "eval.json").read_text())
    assert {"model", "game", "algo", "cpc", "obs_type", "num_timesteps", "episodes", "seed",
            "deterministic", "results"} <= report.keys()
    assert report["model"] == str(a2c_run / "model.zip") and report["episodes"] == 6
    (result,) = report["results"]
    assert result["levels"] == str(level_file) and result["name"] == "corridor"
    assert result["episodes"] == 6 and 0 <= result["wins"] <= 6
    low, high = result["win_rate_ci95"]
    assert low <= result["win_rate"] == result["wins"] / 6 <= high
    low, high = result["mean_score_ci95"]
    assert low <= result["mean_score"] <= high
    assert result["mean_ticks"] > 0
    assert "corridor" in capsys.readouterr().out


def test_eval_plays_a_random_agent_on_the_same_episodes(a2c_run, level_file, tmp_path, capsys):
    plain, with_random = tmp_path / "plain.json", tmp_path / "random.json"
    base = ["eval", str(a2c_run), "--levels", str(level_file), "--episodes", "6", "--seed", "4"]
    assert main([*base, "--out", str(plain)]) == 0
    capsys.readouterr()
    assert main([*base, "--out", str(with_random), "--random-agent"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert header.split()[-4:] == ["random", "agent", "95%", "CI"]
    report = json.loads(with_random.read_text())
    assert json.loads(plain.read_text())["random_agent"] is None
    # The model's results do not change, and the random agent is the study's baseline, met
    # with the same episodes (levels, episode seeds, cap).
    assert report["results"] == json.loads(plain.read_text())["results"]
    meta = read_metadata(a2c_run / "model.zip")
    agent = RandomAgent("zelda", tuple(meta["size"]), meta["max_episode_steps"], seed=4)
    [expected] = evaluate(agent, [parse_level_set("zelda", str(level_file), training=False)], 6,
                          seed=4)
    assert report["random_agent"] == json.loads(json.dumps([expected.to_json()]))


def expect_one_line_error(capsys, argv: list[str], fragment: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gvgai ") and fragment in err, err


@pytest.mark.parametrize("game, extra, fragment", [
    ("tetris", [], "unknown game"),
    ("zelda", ["--algo", "sac"], "unknown --algo"),
    ("zelda", ["--steps", "0"], "--steps must be positive"),
    ("zelda", ["--algo", "ppo", "--cpc"], "--cpc is available with a2c and dqn"),
    ("zelda", ["--cpc", "--n-steps", "4"], "must exceed --cpc-horizons"),
    ("zelda", ["--levels", "pcg:2"], "difficulty must be a number in [0, 1]"),
    ("zelda", ["--eval-levels", "ppcg"], "training curriculum"),
    ("zelda", ["--levels", "no/such/level.txt"], "not a level file"),
    ("zelda", ["--device", "gpu"], "unknown --device"),
    ("zelda", ["--preset", "atari"], "unknown --preset"),
])
def test_bad_options_fail_in_one_line_and_write_nothing(level_file, tmp_path, capsys, game,
                                                        extra, fragment):
    args = train_args(level_file, tmp_path / "logs", "bad", "--steps", "100", *extra, game=game)
    expect_one_line_error(capsys, args, fragment)
    assert not (tmp_path / "logs").exists()


def test_a_device_torch_does_not_see_fails_in_one_line_and_writes_nothing(
        a2c_run, level_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(th.cuda, "is_available", lambda: False)
    args = train_args(level_file, tmp_path / "logs", "run", "--device", "cuda")
    expect_one_line_error(capsys, args, "--device cuda: torch sees no CUDA GPU")
    assert not (tmp_path / "logs").exists()
    run_dir = tmp_path / "copy"
    shutil.copytree(a2c_run, run_dir)
    before = {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}
    for argv in (["train", "--resume", str(run_dir), "--steps", "5000", "--device", "cuda:0"],
                 ["eval", str(run_dir), "--levels", str(level_file), "--device", "cuda",
                  "--out", str(tmp_path / "eval.json")]):
        expect_one_line_error(capsys, argv, "torch sees no CUDA GPU")
    assert {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()} == before
    assert not (tmp_path / "eval.json").exists()


def test_resume_takes_no_options_but_steps_and_device(a2c_run, capsys):
    expect_one_line_error(capsys, ["train", "--resume", str(a2c_run), "--device", "cpu",
                                   "--algo", "dqn"], "drop: algo\n")  # not --device


def test_an_unwritable_logdir_fails_in_one_line(level_file, tmp_path, capsys):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    expect_one_line_error(capsys, train_args(level_file, not_a_folder, "x"),
                          "cannot create run directory")


def test_resume_needs_a_checkpoint(a2c_run, tmp_path, capsys):
    run_dir = tmp_path / "empty"
    (run_dir / "checkpoints").mkdir(parents=True)
    shutil.copy(a2c_run / "config.json", run_dir)
    expect_one_line_error(capsys, ["train", "--resume", str(run_dir)], "no checkpoint")
    expect_one_line_error(capsys, ["train", "--resume", str(tmp_path)], "not a run directory")


def test_a_corrupted_checkpoint_fails_and_overwrites_nothing(a2c_run, tmp_path, capsys):
    run_dir = tmp_path / "run"
    shutil.copytree(a2c_run, run_dir)
    newest = checkpoints.latest_checkpoint(run_dir / "checkpoints")
    newest.write_bytes(newest.read_bytes()[:500])
    before = {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()}
    expect_one_line_error(capsys, ["train", "--resume", str(run_dir), "--steps", "5000"],
                          "not a readable gvgai model")
    assert {p: p.read_bytes() for p in run_dir.rglob("*") if p.is_file()} == before


def test_the_library_raises_its_own_errors_not_the_commands(level_file, tmp_path):
    """A program calling train() or resume() catches the error by what went wrong; only the
    gvgai command turns it into one line and exit status 2 (the tests above)."""
    options = {"levels": str(level_file), "n_envs": 1, "vec_env": "dummy",
               "logdir": str(tmp_path), "run_name": "taken"}
    with pytest.raises(ConfigError, match="unknown game"):
        TrainConfig("tetris", **options)
    with pytest.raises(LevelsError, match="difficulty must be a number"):
        train(TrainConfig("zelda", **{**options, "levels": "pcg:2"}))
    (tmp_path / "taken").mkdir()
    with pytest.raises(OutputError, match="already exists"):
        train(TrainConfig("zelda", **options))
    with pytest.raises(ModelFileError, match="not a run directory"):
        resume(tmp_path / "taken")
    (tmp_path / "model.zip").write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="not a readable gvgai model"):
        load_model(tmp_path / "model.zip")


def test_only_the_command_modules_import_the_command_line():
    commands = [*SUBCOMMANDS, *(ep.value for ep in entry_points(group=COMMAND_GROUP))]
    allowed = {Path(find_spec(name).origin) for name in (*commands, "gvgai_py.cli")}
    importers = set()
    for package in ("gvgai_py", "gvgai_generators", "gvgai_agents"):
        for path in Path(find_spec(package).origin).parent.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.ImportFrom) and node.module == "gvgai_py.cli"
                        or isinstance(node, ast.Import)
                        and any(alias.name == "gvgai_py.cli" for alias in node.names)):
                    importers.add(path)
    assert importers and importers <= allowed, sorted(map(str, importers - allowed))


def test_the_gvgai_command_trains_in_a_subprocess(level_file, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gvgai_py.cli", *train_args(level_file, tmp_path, "sub"),
         "--steps", "256", "--eval-every", "0", "--vec-env", "subproc"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"TensorBoard: tensorboard --logdir {tmp_path / 'sub' / 'tb'}" in result.stdout
    assert (tmp_path / "sub" / "model.zip").is_file()


def test_ppcg_logs_its_difficulty_and_resumes_from_the_saved_one(tmp_path):
    curriculum = pytest.importorskip("gvgai_generators.curriculum")
    args = ["train", "zelda", "--levels", "ppcg", "--eval-levels", "--n-envs", "2",
            "--vec-env", "dummy", "--max-episode-steps", "20", "--steps", "320",
            "--checkpoint-every", "1000", "--logdir", str(tmp_path), "--run-name", "ppcg"]
    assert main(args) == 0
    run_dir = tmp_path / "ppcg"
    assert "curriculum/difficulty" in scalars(run_dir)
    (saved,) = (run_dir / "checkpoints").glob("*.curriculum.*")
    state = json.loads(saved.read_text())
    assert isinstance(curriculum.curriculum_from_state(state), curriculum.ProgressivePCG)
    state["difficulty"] = 0.5  # as if training had got there
    saved.write_text(json.dumps(state))

    assert main(["train", "--resume", str(run_dir), "--steps", "480"]) == 0
    resumed = [value for step, value in scalars(run_dir)["curriculum/difficulty"] if step > 320]
    assert resumed and all(abs(value - 0.5) <= 0.2 for value in resumed)
