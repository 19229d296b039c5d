"""``gvgai_py.play``: keys to actions, a headless session driven through pygame's event queue,
recording and replaying.

A window is opened with SDL's dummy video driver, so no display is needed.
"""

from __future__ import annotations

import json
import os

import pytest
from helpers import NEWER_CLASSES_LEVEL, OUR_LEVELS_DIR, level_rows, newer_classes_game

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from gvgai_py import GAMES, Level  # noqa: E402
from gvgai_py.envs import GVGAIEnv  # noqa: E402
from gvgai_py.play import (  # noqa: E402
    KEY_ACTIONS,
    HeldKeys,
    Player,
    load_recording,
    play,
    replay,
    save_recording,
)
from gvgai_py.rendering import Window  # noqa: E402

KEY_OF_ACTION = {action: key for key, action in KEY_ACTIONS.items()}


def headless_window() -> Window:
    return Window("test", scale=1, fps=0)


def stored_solution(game: str) -> dict:
    path = OUR_LEVELS_DIR / game / "lvl0.solution.json"
    if not path.exists():
        pytest.skip(f"{path.name} of {game} not written yet")
    return json.loads(path.read_text())


def key_event(kind: int, key: int) -> pygame.event.Event:
    return pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0)


def pressing(keys_by_frame: dict[int, list[int]]):
    """A ``before_frame`` that, at frame ``i``, releases the keys of frame ``i - 1`` and
    presses those of frame ``i``."""

    def before_frame(frame: int) -> None:
        for key in keys_by_frame.get(frame - 1, []):
            pygame.event.post(key_event(pygame.KEYUP, key))
        for key in keys_by_frame.get(frame, []):
            pygame.event.post(key_event(pygame.KEYDOWN, key))

    return before_frame


def test_a_held_key_repeats_every_frame_and_a_tap_is_not_lost():
    keys = HeldKeys()
    keys.press(pygame.K_LEFT)
    assert [keys.next_action() for _ in range(3)] == ["LEFT", "LEFT", "LEFT"]
    keys.press(pygame.K_UP)
    assert keys.next_action() == "UP", "the key pressed last wins"
    keys.release(pygame.K_UP)
    assert keys.next_action() == "LEFT", "back to the key still held"
    keys.release(pygame.K_LEFT)
    keys.press(pygame.K_SPACE)
    keys.release(pygame.K_SPACE)  # pressed and released between two frames
    assert [keys.next_action(), keys.next_action()] == ["USE", "NIL"]
    keys.press(pygame.K_a)
    assert keys.next_action() == "NIL", "unbound keys do nothing"


@pytest.mark.parametrize("game", GAMES)
def test_playing_a_stored_solution_with_key_events_wins(game, tmp_path):
    """Then the recording of that session replays to the same outcome and score."""
    solution = stored_solution(game)
    meanings = GVGAIEnv(game).get_action_meanings()
    keys_by_frame = {
        frame: [KEY_OF_ACTION[meanings[action]]]
        for frame, action in enumerate(solution["actions"])
        if meanings[action] != "NIL"
    }
    frames = len(solution["actions"]) + 5  # the game must stay won, the extra keys ignored
    episodes = play(
        game, 0, solution["seed"], headless_window(), frames, before_frame=pressing(keys_by_frame)
    )
    assert len(episodes) == 1
    won = episodes[0]
    assert (won.outcome, won.score) == ("won", solution["score"])
    assert won.actions == [meanings[a] for a in solution["actions"]]

    path = tmp_path / "session.json"
    save_recording(path, game, episodes)
    recorded_game, recording = load_recording(path)
    assert recorded_game == game
    [(recorded, replayed)] = replay(recording, game, headless_window())
    assert (replayed.outcome, replayed.score, replayed.ticks) == ("won", won.score, won.ticks)


def test_restart_next_level_and_quit_keys(tmp_path):
    stored_solution("zelda")
    commands = {3: [pygame.K_r], 6: [pygame.K_n], 9: [pygame.K_ESCAPE]}
    episodes = play("zelda", 4, 7, headless_window(), 100, before_frame=pressing(commands))
    assert [(e.level, e.seed) for e in episodes] == [("level 4", 7), ("level 4", 8), ("level 0", 9)]
    assert [len(e.actions) for e in episodes] == [3, 2, 2], "a command frame plays no tick"
    assert all(e.outcome == "unfinished" for e in episodes)


def test_closing_the_window_ends_the_session():
    stored_solution("frogs")

    def close(frame: int) -> None:
        if frame == 2:
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    episodes = play("frogs", 0, 0, headless_window(), 50, before_frame=close)
    assert len(episodes[0].actions) == 2


def test_a_file_that_is_no_recording_is_refused(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"episodes": []}))
    with pytest.raises(ValueError, match="not a gvgai play recording"):
        load_recording(path)


def test_generated_levels_next_and_difficulty_keys():
    """With a difficulty, N draws a new generated level and +/- move the difficulty by 0.1;
    every episode's level text replays as recorded."""
    commands = {2: [pygame.K_n], 4: [pygame.K_PLUS], 6: [pygame.K_MINUS], 8: [pygame.K_MINUS],
                10: [pygame.K_ESCAPE]}
    episodes = play("zelda", 0, 3, headless_window(), 100, before_frame=pressing(commands),
                    difficulty=0.5)
    difficulties = [e.level.split()[1] for e in episodes]
    assert difficulties == ["d=0.5", "d=0.5", "d=0.6", "d=0.5", "d=0.4"]
    assert all(e.level.startswith("generated") for e in episodes)
    assert len({e.level_text for e in episodes}) == len(episodes), "each key draws a new level"
    assert [e.seed for e in episodes] == [3, 4, 5, 6, 7]


def test_a_flak_avatar_moves_sideways_and_shoots_while_up_and_down_do_nothing(monkeypatch):
    description = newer_classes_game()
    monkeypatch.setitem(GAMES, description.name, description)
    level = Level.from_string("\n".join(level_rows(NEWER_CLASSES_LEVEL)), description)
    player = Player(description.name, level, seed=0)
    start = (player.env.state.avatar.x, player.env.state.avatar.y)
    for key in (pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_SPACE):
        player.step(KEY_ACTIONS[key])
    assert player.episode.actions == ["NIL", "NIL", "LEFT", "USE"]
    assert (player.env.state.avatar.x, player.env.state.avatar.y) == (start[0] - 10, start[1])
    sam = next(t.tid for t in player.env.compiled.types if t.name == "sam")
    assert len(player.env.state.sprites(sam)) == 1
    assert player.frame().shape == (level.height * 10, level.width * 10, 3)
