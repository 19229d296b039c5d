"""Long commands say what they do before they do it: ``gvgai train`` names its run directory
(also when resuming) and ``gvgai demo`` what it will train, evaluate and write, before training
starts."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pytest
from tiny_models import CORRIDOR

from gvgai_agents import demo, train
from gvgai_agents.checkpoints import latest_checkpoint
from gvgai_agents.levels import GENERATOR_MODULES
from gvgai_py.cli import main


class Started(Exception):
    """Raised where training would start, once the test has seen what was printed."""


def train_argv(level: Path, logdir: Path, *extra: str) -> list[str]:
    return ["train", "zelda", "--levels", str(level), "--eval-levels", str(level),
            "--n-envs", "1", "--vec-env", "dummy", "--n-steps", "8", "--max-episode-steps", "30",
            "--eval-every", "0", "--logdir", str(logdir), *extra]


def test_train_names_its_run_directory_before_training_and_when_resuming(
        tmp_path, capsys, monkeypatch):
    level = tmp_path / "corridor.txt"
    level.write_text(CORRIDOR)
    run_dir = tmp_path / "runs" / "r"
    assert main(train_argv(level, tmp_path / "runs", "--run-name", "r", "--steps", "32",
                           "--checkpoint-every", "16")) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"run directory: {run_dir}"

    printed_before_training = []

    def learn(*args, **kwargs):
        printed_before_training.append(capsys.readouterr().out)
        raise Started

    monkeypatch.setattr(train, "learn", learn)
    with pytest.raises(Started):
        main(["train", "--resume", str(run_dir), "--steps", "64"])
    with pytest.raises(Started):
        main(train_argv(level, tmp_path / "runs", "--steps", "32"))
    resumed, fresh = printed_before_training
    newest = latest_checkpoint(run_dir / train.CHECKPOINTS)
    assert resumed == f"run directory: {run_dir} (resumed from {newest.name})\n"
    # Without --run-name, the name made up from the options and the time.
    [named] = [p for p in (tmp_path / "runs").iterdir() if p.name != "r"]
    assert named.name.startswith("zelda-a2c-corridor.txt-s0-")
    assert fresh == f"run directory: {named}\n"


def test_demo_says_what_it_runs_before_it_starts(tmp_path, capsys, monkeypatch):
    configs = []

    def start(config):
        configs.append(config)
        raise Started

    monkeypatch.setattr(train, "train", start)
    with pytest.raises(Started):
        demo.run(steps=300, logdir=str(tmp_path), seed=2, episodes=7, device="cpu")
    [config] = configs
    if all(find_spec(module) for module in GENERATOR_MODULES):
        levels, test_sets = "ppcg", "pcg:0, pcg:0.5, human"
    else:
        levels, test_sets = "0", "human"
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"gvgai demo: A2C (preset learns) on frogs, levels {levels}, 300 steps on device cpu, "
        f"then the model and a random agent play 7 episodes on each of {test_sets}; run "
        f"directory {tmp_path / config.run_name}")
    assert config.run_name.startswith("demo-frogs-a2c-s2-")
    # The setup that learns (results/ladder/README.md): A2C without CPC, 12 envs x 5 steps.
    assert (config.preset, config.cpc, config.n_envs, config.n_steps) == ("learns", False, 12, 5)
