"""The Gymnasium environments, every registered id (built from ``gvgai_py.ENV_IDS``).

Each id plays its default level 0 (``levels/<game>/lvl0.txt``) once that file exists; until
then the original GVGAI level 0 stands in.
"""

from __future__ import annotations

import re

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env as gymnasium_check_env
from helpers import ORIGINALS_MISSING, OUR_LEVELS_DIR, original_level
from stable_baselines3.common.env_checker import check_env as sb3_check_env

from gvgai_py import ENV_IDS, Level
from gvgai_py.envs import GVGAIEnv, start_game

ACTIONS = {  # GVGAI-Gym's indices (docs/engine.md, "The games")
    "zelda": ["NIL", "USE", "LEFT", "RIGHT", "DOWN", "UP"],
    "frogs": ["NIL", "LEFT", "RIGHT", "DOWN", "UP"],
    "boulderdash": ["NIL", "USE", "LEFT", "RIGHT", "DOWN", "UP"],
    "solarfox": ["NIL", "LEFT", "RIGHT", "DOWN", "UP"],
    "butterflies": ["NIL", "LEFT", "RIGHT", "DOWN", "UP"],
    "chase": ["NIL", "LEFT", "RIGHT", "DOWN", "UP"],
    "survivezombies": ["NIL", "LEFT", "RIGHT", "DOWN", "UP"],
    "portals": ["NIL", "LEFT", "RIGHT", "DOWN", "UP"],
    "sokoban": ["NIL", "LEFT", "RIGHT", "DOWN", "UP"],
    "aliens": ["NIL", "USE", "LEFT", "RIGHT"],
    "missilecommand": ["NIL", "USE", "LEFT", "RIGHT", "DOWN", "UP"],
}
IDS = {game: f"gvgai/{game.capitalize()}-v0" for game in ACTIONS} | {
    "missilecommand": "gvgai/MissileCommand-v0", "survivezombies": "gvgai/SurviveZombies-v0"}
"""The ids as issue 17 names them: the names of several words in CamelCase."""
INFO_KEYS = {"score", "won", "lost", "ticks"}
RENDER_MODES = [mode for mode in GVGAIEnv.metadata["render_modes"] if mode != "human"]
"""Every mode but the window, which needs a display."""

pytestmark = pytest.mark.parametrize("env_id", ENV_IDS)


def game_of(env_id: str) -> str:
    return gym.spec(env_id).kwargs["game"]


def level_path(env_id: str) -> str | None:
    """``None`` once our level 0 exists (the default), else the original level 0."""
    game = game_of(env_id)
    if (OUR_LEVELS_DIR / game / "lvl0.txt").exists():
        return None
    if not original_level(game, 0).exists():
        pytest.skip(f"no levels/{game}/lvl0.txt yet and {ORIGINALS_MISSING}")
    return str(original_level(game, 0))


def make(env_id: str, **kwargs) -> GVGAIEnv:
    path = level_path(env_id)
    level = {} if path is None else {"level": path}
    return gym.make(env_id, disable_env_checker=True, **level, **kwargs).unwrapped


def rollout(env: GVGAIEnv, seed: int, steps: int) -> list[tuple]:
    """(observation, reward, terminated, truncated, info) of each step, reset after an end, with
    actions from ``seed``."""
    actions = np.random.default_rng(seed).integers(env.action_space.n, size=steps)
    obs, info = env.reset(seed=seed)
    trace = [(obs, 0.0, False, False, info)]
    for action in actions:
        obs, reward, terminated, truncated, info = env.step(int(action))
        trace.append((obs, reward, terminated, truncated, info))
        if terminated or truncated:
            obs, info = env.reset()
            trace.append((obs, 0.0, False, False, info))
    return trace


@pytest.mark.filterwarnings("error::UserWarning")
@pytest.mark.parametrize("obs_type", ["symbolic", "ascii"])
def test_gymnasium_check_env(env_id, obs_type):
    gymnasium_check_env(make(env_id, obs_type=obs_type))


@pytest.mark.parametrize("render_mode", RENDER_MODES)
def test_gymnasium_check_env_renders(env_id, render_mode):
    gymnasium_check_env(make(env_id, render_mode=render_mode))


# SB3 warns that a (channels, rows, cols) uint8 space is a small, oddly bounded image: the
# symbolic observation is not one, and is not meant for the default CnnPolicy.
@pytest.mark.filterwarnings("ignore:.*image")
def test_stable_baselines3_check_env(env_id):
    sb3_check_env(make(env_id), warn=True)


def test_same_seed_and_actions_give_the_same_episode(env_id):
    first, second = rollout(make(env_id), 3, 150), rollout(make(env_id), 3, 150)
    assert len(first) == len(second)
    for (obs_a, *rest_a), (obs_b, *rest_b) in zip(first, second, strict=True):
        assert np.array_equal(obs_a, obs_b)
        assert rest_a == rest_b


def test_reward_is_the_score_change_and_info_is_complete(env_id):
    trace = rollout(make(env_id), 5, 150)
    for (_, _, _, _, before), (_, reward, terminated, truncated, after) in zip(
        trace, trace[1:], strict=False
    ):
        assert INFO_KEYS <= after.keys()
        if after["ticks"] == 0:  # a reset
            assert after["score"] == 0 and not (after["won"] or after["lost"])
            continue
        assert after["ticks"] == before["ticks"] + 1
        assert reward == pytest.approx(after["score"] - before["score"])
        assert terminated == (after["won"] or after["lost"])
        assert not (terminated and truncated)


@pytest.mark.parametrize("max_steps", [1, 3])
def test_truncation_at_max_steps_without_a_loss(env_id, max_steps):
    env = make(env_id, max_steps=max_steps)
    env.reset(seed=0)
    nil = env.get_action_meanings().index("NIL")
    for step in range(1, max_steps + 1):
        _, _, terminated, truncated, info = env.step(nil)
        assert not terminated, "the start of level 0 should survive a few NILs"
        assert truncated == (step == max_steps)
    assert not (info["won"] or info["lost"])


def test_observations_pad_to_a_larger_size_and_a_smaller_one_is_refused(env_id):
    plain = make(env_id)
    channels, rows, cols = plain.observation_space.shape
    padded = make(env_id, size=(rows + 2, cols + 3))
    assert padded.observation_space.shape == (channels, rows + 2, cols + 3)
    obs, _ = padded.reset(seed=1)
    assert np.array_equal(obs[:, :rows, :cols], plain.reset(seed=1)[0])
    assert obs[:, rows:, :].sum() == 0 and obs[:, :, cols:].sum() == 0
    with pytest.raises(ValueError, match=f"{rows}x{cols}"):
        make(env_id, size=(rows - 1, cols))


def test_step_takes_the_integers_of_the_action_space_and_refuses_anything_else(env_id):
    env = make(env_id)
    last = env.action_space.n - 1
    env.reset(seed=0)
    expected = env.step(last)[0]
    # What SB3 and Gymnasium wrappers pass: NumPy integers and 0-d integer arrays.
    for action in (np.int64(last), np.uint8(last), np.array(last)):
        env.reset(seed=0)
        assert np.array_equal(env.step(action)[0], expected)
    env.reset(seed=0)
    for action in (-1, last + 1, 2.7, 1.0, True, np.True_, None, "1", np.float64(1), np.array([1])):
        with pytest.raises(ValueError) as caught:
            env.step(action)
        assert re.fullmatch(
            rf"action must be an integer in Discrete\({last + 1}\) \(0 NIL, .*\), got "
            + re.escape(repr(action)),
            str(caught.value),
        )
    assert env.state.tick == 0, "a refused action must not play a tick"


@pytest.mark.parametrize("render_mode", [*GVGAIEnv.metadata["render_modes"], None])
def test_render_and_ascii_before_reset_ask_for_a_reset(env_id, render_mode):
    env = make(env_id, render_mode=render_mode)
    with pytest.raises(RuntimeError, match=r"^call reset\(\) before render\(\)$"):
        env.render()
    with pytest.raises(RuntimeError, match=r"^call reset\(\) before ascii\(\)$"):
        env.ascii()


def test_the_id_spells_the_game_as_documented(env_id):
    assert env_id == IDS[game_of(env_id)]


def test_action_meanings_follow_gvgai_gym(env_id):
    env = make(env_id)
    assert env.get_action_meanings() == ACTIONS[game_of(env_id)]
    assert env.action_space.n == len(ACTIONS[game_of(env_id)])


def test_ascii_observation_starts_as_the_level_text_and_matches_ansi_rendering(env_id):
    env = make(env_id, obs_type="ascii", render_mode="ansi")
    obs, _ = env.reset(seed=0)
    assert obs == "\n".join(env.level.rows)
    assert obs == env.render()
    for action in np.random.default_rng(0).integers(env.action_space.n, size=30):
        obs, _, terminated, truncated, _ = env.step(int(action))
        assert obs in env.observation_space
        assert obs == env.render()
        if terminated or truncated:
            break


def test_a_level_object_can_be_passed_directly(env_id):
    env = make(env_id)
    from_object = gym.make(env_id, level=Level.from_string(env.level.to_string(), env.game_name))
    assert np.array_equal(from_object.reset(seed=2)[0], env.reset(seed=2)[0])


def test_start_game_is_the_state_a_seeded_reset_starts_from(env_id):
    """Searches start from start_game(level, seed): the same ticks must follow as after
    reset(seed=seed), random draws included."""
    env = make(env_id)
    for seed in (0, 5):
        env.reset(seed=seed)
        game = start_game(env.level, seed)
        actions = np.random.default_rng(seed).integers(env.action_space.n, size=120)
        for action in actions:
            env.step(int(action))
            game.step(env.compiled.actions[int(action)])
            assert np.array_equal(env.state.symbolic(), game.symbolic())
            assert (env.state.score, env.state.ended) == (game.score, game.ended)
            if game.ended:
                break
