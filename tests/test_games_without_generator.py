"""A game without a level generator is a game like the others on fixed levels (issue 17: the
seven games after the first four have none): no ``-pcg`` id, and every request for generated
levels (``level="pcg"``, ``pcg:D``/``ppcg``/``plr``, a study's generated test sets, ``gvgai
generate``, ``gvgai levels map``, ``gvgai play --difficulty``) is refused in one line, while
training and studies on our levels and level files work.

The game here is a corridor registered in :data:`gvgai_py.GAMES` for the test, so that these
tests need none of the real games.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import gymnasium as gym
import pytest
from gymnasium.envs.registration import EnvSpec

from gvgai_agents import levels as agent_levels
from gvgai_agents import train as agent_train
from gvgai_agents.errors import ConfigError, LevelsError
from gvgai_agents.levels import parse_level_set
from gvgai_agents.study import StudyConfig, parse_conditions, prepare_test_sets
from gvgai_generators import GENERATORS
from gvgai_py import (
    GAMES,
    GENERATED,
    GENERATED_GAMES,
    LEVEL_SOURCE_GAMES_GROUP,
    PCG_ENV_IDS,
    env_id,
    level_source_games,
)
from gvgai_py.cli import main
from gvgai_py.engine import GameDescription, SpriteCounter, rule, sprite
from gvgai_py.envs import OUR_LEVELS, GVGAIEnv

CORRIDOR_GAME = GameDescription(
    name="corridor",
    sprites=(sprite("goal", "Immovable"), sprite("avatar", "MovingAvatar"),
             sprite("wall", "Immovable")),
    legend={".": (), "w": ("wall",), "A": ("avatar",), "g": ("goal",)},
    interactions=(rule("avatar", "wall", effect="stepBack"),
                  rule("goal", "avatar", effect="killSprite", score=1)),
    terminations=(SpriteCounter("goal", win=True),),
)
"""Walk right to the goal."""
GAME = CORRIDOR_GAME.name


@pytest.fixture
def corridor(monkeypatch, tmp_path) -> Path:
    """The corridor game in GAMES and registered as ``import gvgai_py`` registers a game, with
    "our" five levels in a folder of the test's (``levels/corridor/lvl<i>.txt`` is not
    installed); returns that folder."""
    monkeypatch.setitem(GAMES, GAME, CORRIDOR_GAME)
    monkeypatch.setitem(gym.registry, env_id(GAME), EnvSpec(
        env_id(GAME), entry_point="gvgai_py.envs:GVGAIEnv", kwargs={"game": GAME}))
    folder = tmp_path / "our_levels"
    folder.mkdir()
    for index in range(OUR_LEVELS):  # level i: i cells between the avatar and the goal
        wall = "w" * (index + 4)
        (folder / f"lvl{index}.txt").write_text(f"{wall}\nwA{'.' * index}gw\n{wall}\n")

    def builtin_level_path(game: str, index: int) -> Path:
        return folder / f"lvl{index}.txt"

    for module in (agent_levels, agent_train):
        monkeypatch.setattr(module, "builtin_level_path", builtin_level_path)
    return folder


def expect_one_line_error(capsys, argv: list[str], fragment: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err, err


def test_the_generated_games_are_the_generators_and_only_they_have_pcg_ids():
    listed = entry_points(group=LEVEL_SOURCE_GAMES_GROUP.format(GENERATED)).names
    assert set(listed) == set(GENERATORS) == set(GENERATED_GAMES)
    assert PCG_ENV_IDS == tuple(env_id(game, GENERATED) for game in GENERATED_GAMES)


def test_a_game_the_generators_do_not_list_is_not_a_generated_game(corridor):
    assert GAME not in level_source_games(GENERATED)
    assert set(level_source_games(GENERATED)) == set(GENERATORS)


def test_the_environment_refuses_generated_levels_of_it_and_plays_fixed_ones(corridor):
    with pytest.raises(ValueError, match="makes no corridor levels"):
        GVGAIEnv(GAME, level=GENERATED)
    env = GVGAIEnv(GAME, level=str(corridor / "lvl0.txt"))
    env.reset(seed=0)
    right = env.get_action_meanings().index("RIGHT")
    _, reward, terminated, _, info = env.step(right)
    assert (reward, terminated, info["won"]) == (1.0, True, True)


@pytest.mark.parametrize("word", ["pcg:0.5", "ppcg", "plr"])
def test_training_on_generated_levels_is_refused_in_one_line(corridor, tmp_path, capsys, word):
    expect_one_line_error(capsys, ["train", GAME, "--levels", word, "--logdir",
                                   str(tmp_path / "logs")], "corridor has no level generator")
    assert not (tmp_path / "logs").exists()


def test_a_generated_test_set_is_refused(corridor):
    with pytest.raises(LevelsError, match="corridor has no level generator"):
        parse_level_set(GAME, "pcg:0.5", training=False)


def test_training_on_our_levels_runs_and_holds_out_the_others(corridor, tmp_path):
    assert main(["train", GAME, "--levels", "0,1,2", "--steps", "64", "--n-envs", "2",
                 "--vec-env", "dummy", "--max-episode-steps", "20", "--eval-every", "32",
                 "--eval-episodes", "1", "--logdir", str(tmp_path), "--run-name", "run"]) == 0
    assert (tmp_path / "run" / "model.zip").is_file()
    levels = agent_train.Levels.of(agent_train.TrainConfig(GAME, levels="0,1,2"))
    assert [s.name for s in levels.test] == ["lvl3-4"]


def test_a_study_of_it_tests_on_our_levels_only(corridor, tmp_path):
    config = StudyConfig(GAME, parse_conditions("0,0+1+2"), tmp_path / "study")
    assert config.test_difficulties == ()
    assert [t.name for t in prepare_test_sets(config)] == ["human"]
    assert StudyConfig("zelda", parse_conditions("0"), tmp_path).test_difficulties == (0.5, 1.0)


@pytest.mark.parametrize("conditions", ["0,ppcg", "pcg:1.0", "plr+nocpc"])
def test_a_study_refuses_generated_conditions(corridor, tmp_path, conditions):
    with pytest.raises(LevelsError, match="--conditions .* corridor has no level generator"):
        StudyConfig(GAME, parse_conditions(conditions), tmp_path)


def test_a_study_refuses_generated_test_sets_in_one_line(corridor, tmp_path, capsys):
    with pytest.raises(ConfigError, match="--test-difficulties: corridor has no level generator"):
        StudyConfig(GAME, parse_conditions("0"), tmp_path, test_difficulties=(0.5,))
    out = tmp_path / "study"
    expect_one_line_error(capsys, ["study", GAME, "--conditions", "0", "--test-difficulties",
                                   "0.5", "--out", str(out)], "has no level generator")
    assert not out.exists()


@pytest.mark.parametrize("argv", [
    ["generate", GAME, "--show"],
    ["levels", "map", GAME, "--out", "map.png"],
    ["play", GAME, "--difficulty", "0.5", "--max-frames", "1"],
], ids=["generate", "levels map", "play"])
def test_commands_of_generated_levels_refuse_it_in_one_line(corridor, capsys, argv):
    expect_one_line_error(capsys, argv, "corridor has no level generator")
