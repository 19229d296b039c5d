"""Watching an agent play (``gvgai play --agent``): the agent's actions drive the game, on the
observations of the environment it was trained with; the keyboard takes over, pauses and
single-steps; the model loader of the agents package; the command, headless."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
from test_play import pressing  # noqa: E402
from tiny_models import CORRIDOR, MAX_STEPS, SIZE, zelda_model  # noqa: E402

from gvgai_py.envs import GVGAIEnv  # noqa: E402
from gvgai_py.play import AGENT_BANNER_FRAMES, Agent, play  # noqa: E402
from gvgai_py.rendering import Window  # noqa: E402

ACTIONS = GVGAIEnv("zelda").get_action_meanings()
LONG_CORRIDOR = "wwwwwwwwwwwwww\nwA+.........gw\nwwwwwwwwwwwwww\n"
"""Long enough that ten ticks of mostly RIGHT do not reach the door."""
HEADLESS = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
GVGAI = Path(sys.executable).with_name("gvgai")


class RecordingWindow(Window):
    """A headless window that keeps the status line and banner of every frame it shows."""

    def __init__(self) -> None:
        super().__init__("test", scale=1, fps=0)
        self.shown: list[tuple[str, str | None]] = []

    def show(self, frame, status, outcome=None, hint=""):
        self.shown.append((status, outcome))
        super().show(frame, status, outcome, hint)


def level_file(tmp_path: Path, text: str = CORRIDOR) -> Path:
    path = tmp_path / "corridor.txt"
    path.write_text(text)
    return path


def always(action: str, seen: list, size: tuple[int, int]) -> Agent:
    """An agent that plays ``action`` and keeps each observation it is given."""
    def act(observation) -> int:
        seen.append(observation.copy())
        return ACTIONS.index(action)

    return Agent("bot", "zelda", act, {"obs_type": "symbolic", "size": size,
                                       "max_steps": MAX_STEPS})


def test_the_agent_plays_on_the_observations_of_its_env_and_plays_again_after_a_win(tmp_path):
    seen = []
    window = RecordingWindow()
    size = (5, 12)  # padded beyond the 3x10 level, as a model trained on larger levels sees it
    episodes = play("zelda", str(level_file(tmp_path)), 3, window, 40,
                    agent=always("RIGHT", seen, size))

    assert [(e.outcome, e.seed, e.actions) for e in episodes] == [
        ("won", 3, ["RIGHT"] * 7), ("won", 4, ["RIGHT"] * 7)]
    env = GVGAIEnv("zelda", level=str(level_file(tmp_path)), obs_type="symbolic", size=size)
    expected = [env.reset(seed=3)[0]]
    expected += [env.step(ACTIONS.index("RIGHT"))[0] for _ in range(6)]
    assert len(seen) == 14 and seen[0].shape == (len(env.channel_names), *size)
    assert all(np.array_equal(a, b) for a, b in zip(seen[:7], expected, strict=True))

    banners = [(outcome, len(list(run))) for outcome, run in
               itertools.groupby(outcome for _, outcome in window.shown)]
    # Each episode: its start and 6 ticks, then the winning frame under the banner.
    assert banners[:3] == [(None, 7), ("won", AGENT_BANNER_FRAMES), (None, 7)]
    assert window.shown[0][0].endswith("bot playing   won 0/0")
    assert window.shown[8][0].endswith("score 2   tick 7   bot playing   won 1/1")


def test_the_keyboard_takes_over_the_agent_takes_back_and_pause_steps_single_ticks(tmp_path):
    keys = {2: [pygame.K_LEFT], 5: [pygame.K_a], 7: [pygame.K_p], 9: [pygame.K_s],
            10: [pygame.K_p]}
    window = RecordingWindow()
    seen = []
    [episode] = play("zelda", str(level_file(tmp_path, LONG_CORRIDOR)), 0, window, 13,
                     before_frame=pressing(keys), agent=always("RIGHT", seen, (3, 14)))

    # Frames 0-1 the agent, 2 the key, 3-4 the keyboard (nothing held), 5-6 the agent again,
    # 7-8 paused, 9 a single tick, 10 resumes, 11-12 the agent.
    r, left = "RIGHT", "LEFT"
    assert episode.actions == [r, r, left, "NIL", "NIL", r, r, r, r, r]
    assert len(seen) == 7, "the agent is asked only for the ticks it plays"
    statuses = [status for status, _ in window.shown[1:]]  # [i]: after frame i
    assert ["you playing" in s for s in statuses] == [i in (2, 3, 4) for i in range(13)]
    assert ["paused" in s for s in statuses] == [i in (7, 8, 9) for i in range(13)]


def test_an_agent_of_another_game_is_refused():
    agent = always("RIGHT", [], SIZE)
    with pytest.raises(ValueError, match="the agent plays zelda, not frogs"):
        play("frogs", 0, 0, RecordingWindow(), 1, agent=agent)


def test_the_loader_acts_as_the_model_file_predicts_without_sb3s_load(tmp_path, monkeypatch):
    from stable_baselines3.common.base_class import BaseAlgorithm

    from gvgai_agents.algorithms import load_model
    from gvgai_agents.play_agent import load_agent

    def unpickling_load(*args, **kwargs):
        raise AssertionError("SB3's load unpickles")

    monkeypatch.setattr(BaseAlgorithm, "load", classmethod(unpickling_load))
    path = zelda_model(tmp_path / "run" / "model.zip", size=(9, 13))
    agent = load_agent(str(tmp_path / "run"), deterministic=True)
    assert (agent.name, agent.game) == ("a2c", "zelda")
    assert dict(agent.env_kwargs) == {"obs_type": "symbolic", "size": (9, 13),
                                      "max_steps": MAX_STEPS}

    env = GVGAIEnv("zelda", level=0, **agent.env_kwargs)
    rng = np.random.default_rng(0)
    observations = [env.reset(seed=0)[0]]
    observations += [env.step(int(rng.integers(len(ACTIONS))))[0] for _ in range(30)]
    expected, _ = load_model(path).predict(np.stack(observations), deterministic=True)
    assert [agent.act(obs) for obs in observations] == expected.tolist()
    assert len(set(expected.tolist())) > 1, "a policy that varies with what it sees"


def gvgai(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(GVGAI), *args], capture_output=True, text=True, env=HEADLESS,
                          timeout=120)


def test_gvgai_play_agent_wins_where_the_idle_keyboard_does_not(tmp_path):
    zelda_model(tmp_path / "run" / "model.zip", always="RIGHT")
    level = str(level_file(tmp_path))
    done = gvgai("play", "--agent", str(tmp_path / "run"), "--level", level, "--seed", "1",
                 "--fps", "0", "--max-frames", "30")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "episode 1: corridor.txt (seed 1): won, score 2 after 7 ticks",
        "episode 2: corridor.txt (seed 2): won, score 2 after 7 ticks",
    ]
    done = gvgai("play", "zelda", "--level", level, "--seed", "1", "--fps", "0",
                 "--max-frames", "30")
    assert done.stdout.splitlines() == [
        "episode 1: corridor.txt (seed 1): unfinished, score 0 after 30 ticks"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frogs", "--agent", "RUN"], "RUN plays zelda, not frogs"),
        ([], "name a GAME to play, or give --agent RUN_DIR|MODEL"),
        (["--agent", "RUN", "--record", "x.json"], "--agent cannot be combined with --record"),
        (["zelda", "--deterministic"], "--deterministic chooses the actions of an --agent"),
        (["--agent", "missing"], "no model file or run directory at missing"),
        (["--agent", "RUN", "--level", "0"],
         "the level is 9x13, larger than the 3x10 grid the agent was trained on"),
    ],
)
def test_bad_agent_options_are_one_line_and_exit_status_2(args, message, tmp_path, capsys,
                                                         monkeypatch):
    from gvgai_py.cli import main

    monkeypatch.chdir(tmp_path)
    zelda_model(tmp_path / "RUN" / "model.zip")
    assert main(["play", *args, "--max-frames", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gvgai play: error: ") and message in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "x.json").exists()


def test_without_the_agents_package_agent_is_one_line(monkeypatch, capsys):
    from gvgai_py.cli import main
    from gvgai_py.commands import play as play_command

    monkeypatch.setattr(play_command, "entry_points", lambda group: [])
    assert main(["play", "--agent", "run"]) == 2
    assert "--agent needs the agents package (gvgai_agents)" in capsys.readouterr().err
