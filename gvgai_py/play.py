"""Playing with the keyboard or watching an agent, recording and replaying: the game loop
behind ``gvgai play``.

The keys are data (:data:`KEY_ACTIONS`, :data:`KEY_COMMANDS`). Every frame plays one game tick
with the action of the key held (:class:`HeldKeys`), NIL when none is, so holding a key repeats
it at the game's pace. When an episode ends, the frame freezes under a banner until R (same
level again), N (next level) or Esc/Q (quit). With generated levels (``difficulty``), N draws a
new one and +/- change the difficulty by :data:`DIFFICULTY_STEP` (and draw a new level). P
pauses (and resumes); while paused, S plays a single tick.

With an :class:`Agent`, the agent chooses the actions instead: any action key takes over (the
keyboard plays from that frame on) and A hands control back. An episode the agent ends stays on
screen under its banner for :data:`AGENT_BANNER_FRAMES` frames, then the agent plays the level
again with the next seed. The status line says who plays and how many of the session's ended
episodes were won. Agents come from outside this package (``gvgai play --agent`` finds a loader
through an entry point), so that gvgai_py never imports a learning library: an agent is only a
function from observations to actions.

A recording (``--record FILE.json``) holds every episode of a session: its level text, seed,
actions and outcome. Replaying it plays the same actions from the same seeds and must end the
same way with the same score.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gvgai_py.envs import OUR_LEVELS, GVGAIEnv, named_level_source
from gvgai_py.files import write_text_atomically
from gvgai_py.level import Level
from gvgai_py.rendering import Window, status_line

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # before pygame's import greets
import pygame  # noqa: E402

KEY_ACTIONS: dict[int, str] = {
    pygame.K_LEFT: "LEFT",
    pygame.K_RIGHT: "RIGHT",
    pygame.K_UP: "UP",
    pygame.K_DOWN: "DOWN",
    pygame.K_SPACE: "USE",
}
"""Game action of each key (USE only acts in games that have it, UP and DOWN not for an avatar
that moves sideways only, as Aliens' FlakAvatar)."""
KEY_COMMANDS: dict[int, str] = {
    pygame.K_r: "restart",
    pygame.K_n: "next",
    pygame.K_ESCAPE: "quit",
    pygame.K_q: "quit",
    pygame.K_PLUS: "harder",
    pygame.K_EQUALS: "harder",  # the + key without shift on most layouts
    pygame.K_KP_PLUS: "harder",
    pygame.K_MINUS: "easier",
    pygame.K_KP_MINUS: "easier",
    pygame.K_p: "pause",
    pygame.K_s: "single step",
    pygame.K_a: "agent",
}
HINT = "R: restart   N: next level   +/-: difficulty   Esc: quit"
AGENT_HINT = "arrows: take over   A: agent   P: pause   N: next level   Esc: quit"
DIFFICULTY_STEP = 0.1
AGENT_BANNER_FRAMES = 15
"""Frames an episode the agent ended stays on screen before it plays again (a second at 15
frames per second)."""
GENERATED_LEVELS = "pcg"
"""The level source that ``difficulty`` plays (installed by the generators package)."""
RECORDING_FORMAT = "gvgai-play-recording/1"

LevelChoice = int | str | Path | Level


@dataclass(frozen=True)
class Agent:
    """A policy that plays in :func:`play` instead of the keyboard.

    ``act`` maps one observation of a :class:`~gvgai_py.envs.GVGAIEnv` of ``game`` built with
    ``env_kwargs`` (the ``obs_type``, ``size`` and ``max_steps`` the policy was trained with)
    to the index of an action (:meth:`~gvgai_py.envs.GVGAIEnv.get_action_meanings`).
    """

    name: str
    """How the status line names it."""
    game: str
    act: Callable[[Any], int]
    env_kwargs: Mapping[str, Any] = field(default_factory=dict)


class HeldKeys:
    """The action the keyboard asks for in each frame, from key-down and key-up events.

    It is the action of the key pressed last among those pressed since the previous frame, so
    a quick tap is never lost, or else of the key pressed last among those still held; NIL
    when there is neither.
    """

    def __init__(self, bindings: Mapping[int, str] = KEY_ACTIONS) -> None:
        self.bindings = bindings
        self._held: list[int] = []
        self._tapped: int | None = None

    def press(self, key: int) -> None:
        if key in self.bindings:
            if key in self._held:
                self._held.remove(key)
            self._held.append(key)
            self._tapped = key

    def release(self, key: int) -> None:
        if key in self._held:
            self._held.remove(key)

    def next_action(self) -> str:
        key = self._tapped if self._tapped is not None else (self._held[-1] if self._held else None)
        self._tapped = None
        return self.bindings.get(key, "NIL")


@dataclass
class Episode:
    """One episode as recorded: enough to replay it exactly."""

    level: str
    """How the level was named (``"level 2"``, a file name)."""
    level_text: str
    seed: int
    actions: list[str] = field(default_factory=list)
    outcome: str = "unfinished"
    """``won``, ``lost``, ``timed out`` (after the environment's step limit) or ``unfinished``."""
    score: float = 0.0
    ticks: int = 0

    def summary(self) -> str:
        return (
            f"{self.level} (seed {self.seed}): {self.outcome}, score {self.score:g} "
            f"after {self.ticks} ticks"
        )


class Player:
    """Plays episodes of one game, one action at a time, and keeps them as :class:`Episode`.

    Args:
        game: the game's name.
        level: an index of our levels, a level file or a :class:`Level`.
        seed: the first episode's seed; each new episode takes the next one.
        label: how to name the level (default: as the environment names it).
        difficulty: play generated levels of this difficulty instead of ``level``.
        env_kwargs: more arguments of each :class:`~gvgai_py.envs.GVGAIEnv` (an agent's
            observation type, size and step limit).
    """

    def __init__(
        self,
        game: str,
        level: LevelChoice,
        seed: int,
        label: str | None = None,
        difficulty: float | None = None,
        env_kwargs: Mapping[str, Any] | None = None,
    ):
        self.game = game
        self.seed = seed
        self.env_kwargs = dict(env_kwargs or {})
        self.observation: Any = None
        """The observation of the current state, as the environment gives it."""
        self.episodes: list[Episode] = []
        self._label = label
        self._source = None
        if difficulty is not None:
            self._source = named_level_source(
                GENERATED_LEVELS, game, difficulty=difficulty, prefetch=0
            )
            self._level_rng = np.random.default_rng(seed)
            level = self._generated()
        self._load(level)

    @property
    def episode(self) -> Episode:
        return self.episodes[-1]

    @property
    def ended(self) -> bool:
        return self.episode.outcome != "unfinished"

    def restart(self) -> None:
        """A new episode on the same level, with the next seed."""
        self.seed += 1
        self._start()

    def next_level(self) -> None:
        """A new episode on the next of our levels (from a level file: our level 0), or on a
        new generated level."""
        self.seed += 1
        if self._source is not None:
            self._load(self._generated())
            return
        level = self.level
        self._load((level + 1) % OUR_LEVELS if isinstance(level, int) else 0)

    def change_difficulty(self, step: float) -> None:
        """Generated levels only: a new level, ``step`` harder (clipped to [0, 1])."""
        if self._source is None:
            return
        current = self._source.info()["difficulty"]
        self._source.set_difficulty(min(max(current + step, 0.0), 1.0))
        self.next_level()

    def step(self, action: str) -> None:
        """Play one tick; an action the game does not have (USE in Frogs) acts as NIL. Does
        nothing once the episode has ended."""
        if self.ended:
            return
        actions = self.env.get_action_meanings()
        index = actions.index(action) if action in actions else 0
        self.observation, _, terminated, truncated, info = self.env.step(index)
        episode = self.episode
        episode.actions.append(actions[index])
        episode.score, episode.ticks = info["score"], info["ticks"]
        if terminated or truncated:
            episode.outcome = "won" if info["won"] else "lost" if info["lost"] else "timed out"

    def frame(self) -> np.ndarray:
        """The current frame as an RGB array."""
        return self.env.render()

    def status(self) -> str:
        episode = self.episode
        return status_line(self.game, episode.level, episode.score, episode.ticks)

    def _generated(self) -> Level:
        level = self._source(self._level_rng)
        info = self._source.info()
        self._label = f"generated d={info['difficulty']:g} (level seed {info['level_seed']})"
        return level

    def _load(self, level: LevelChoice) -> None:
        self.level = level
        self.env = GVGAIEnv(self.game, level=level, render_mode="rgb_array", **self.env_kwargs)
        self._start()

    def _start(self) -> None:
        self.observation, _ = self.env.reset(seed=self.seed)
        label = self._label or self.env.level_label
        self.episodes.append(Episode(label, self.env.level.to_string(), self.seed))


def play(
    game: str,
    level: LevelChoice = 0,
    seed: int = 0,
    window: Window | None = None,
    max_frames: int | None = None,
    before_frame: Callable[[int], None] | None = None,
    difficulty: float | None = None,
    agent: Agent | None = None,
) -> list[Episode]:
    """Play with the keyboard, or watch ``agent`` play (see the module docstring), until
    Esc/Q, a closed window or ``max_frames`` frames.

    ``before_frame(i)`` is called before the events of frame ``i`` are read (tests post key
    events there). Returns every episode started, the last one possibly unfinished.
    """
    if agent is not None and agent.game != game:
        raise ValueError(f"the agent plays {agent.game}, not {game}")
    window = window or Window(f"gvgai play {game}")
    env_kwargs = agent.env_kwargs if agent is not None else None
    player = Player(game, level, seed, difficulty=difficulty, env_kwargs=env_kwargs)
    keys = HeldKeys()
    agent_plays = agent is not None
    paused = False
    ended_frames = 0  # how long the episode has been over

    def show() -> None:
        notes = []
        if agent is not None:
            notes += [f"{agent.name if agent_plays else 'you'} playing",
                      f"won {_wins(player.episodes)}"]
        if paused:
            notes.append("paused")
        _show(window, player, AGENT_HINT if agent is not None else HINT, "   ".join(notes))

    frame = 0
    try:
        show()  # opens the window, which must exist to read events
        while max_frames is None or frame < max_frames:
            if before_frame is not None:
                before_frame(frame)
            command, took_over = _read_events(keys)
            if command == "quit":
                break
            if took_over:
                agent_plays = False
            elif command == "agent" and agent is not None:
                agent_plays = True
            if command == "restart":
                player.restart()
            elif command == "next":
                player.next_level()
            elif command in ("harder", "easier"):
                step = DIFFICULTY_STEP if command == "harder" else -DIFFICULTY_STEP
                player.change_difficulty(step)
            elif command == "pause":
                paused = not paused
            elif not paused or command == "single step":
                _tick(player, keys, agent if agent_plays else None)
            if not paused:
                ended_frames = ended_frames + 1 if player.ended else 0
            if agent_plays and ended_frames > AGENT_BANNER_FRAMES:
                player.restart()
                ended_frames = 0
            show()
            frame += 1
    finally:
        window.close()
    return player.episodes


def _read_events(keys: HeldKeys) -> tuple[str | None, bool]:
    """The frame's command (the last key of :data:`KEY_COMMANDS` pressed; ``quit`` for a
    closed window) and whether an action key was pressed, after passing the keys to ``keys``."""
    command, action_key = None, False
    for event in pygame.event.get():
        if event.type == pygame.QUIT:
            command = "quit"
        elif event.type == pygame.KEYDOWN:
            command = KEY_COMMANDS.get(event.key, command)
            action_key = action_key or event.key in keys.bindings
            keys.press(event.key)
        elif event.type == pygame.KEYUP:
            keys.release(event.key)
    return command, action_key


def _tick(player: Player, keys: HeldKeys, agent: Agent | None) -> None:
    """One tick with the agent's action, or the keyboard's when ``agent`` is None."""
    if agent is None:
        player.step(keys.next_action())
    elif not player.ended:
        player.step(player.env.get_action_meanings()[agent.act(player.observation)])


def _wins(episodes: list[Episode]) -> str:
    ended = [e for e in episodes if e.outcome != "unfinished"]
    return f"{sum(e.outcome == 'won' for e in ended)}/{len(ended)}"


def replay(
    recording: list[Episode], game: str, window: Window | None = None
) -> list[tuple[Episode, Episode]]:
    """Play each recorded episode's actions again from its seed and level, showing the frames.

    Returns (recorded, replayed) pairs, stopping early if the window is closed or Esc/Q is
    pressed.
    """
    window = window or Window(f"gvgai replay {game}")
    results = []
    try:
        for recorded in recording:
            level = Level.from_string(recorded.level_text, game, source=recorded.level)
            player = Player(game, level, recorded.seed, label=f"{recorded.level} (replay)")
            _show(window, player)
            for action in recorded.actions:
                if _quit_requested():
                    return results
                player.step(action)
                _show(window, player)
            results.append((recorded, player.episode))
    finally:
        window.close()
    return results


def save_recording(path: str | Path, game: str, episodes: list[Episode]) -> None:
    """Write the episodes to ``path`` (atomically: a failed save keeps any earlier file
    whole), creating its folder if needed."""
    data = {"format": RECORDING_FORMAT, "game": game, "episodes": [asdict(e) for e in episodes]}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, json.dumps(data) + "\n")


def load_recording(path: str | Path) -> tuple[str, list[Episode]]:
    """(game, episodes) of a file written by :func:`save_recording`."""
    data = json.loads(Path(path).read_text())
    if not isinstance(data, dict) or data.get("format") != RECORDING_FORMAT:
        raise ValueError(f"{path}: not a gvgai play recording ({RECORDING_FORMAT})")
    try:
        return data["game"], [Episode(**episode) for episode in data["episodes"]]
    except (KeyError, TypeError) as err:
        raise ValueError(f"{path}: malformed recording ({err})") from None


def _show(window: Window, player: Player, hint_when_ended: str = "", extra: str = "") -> None:
    ended = player.ended
    status = f"{player.status()}   {extra}" if extra else player.status()
    window.show(
        player.frame(), status, player.episode.outcome if ended else None,
        hint_when_ended if ended else "",
    )


def _quit_requested() -> bool:
    return any(
        event.type == pygame.QUIT
        or (event.type == pygame.KEYDOWN and KEY_COMMANDS.get(event.key) == "quit")
        for event in pygame.event.get()
    )
