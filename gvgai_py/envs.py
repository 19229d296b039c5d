"""Gymnasium environments for the games of :data:`gvgai_py.GAMES` (ids ``gvgai/<Game>-v0``).

Observation (``obs_type``):
    ``"symbolic"`` (default): ``uint8`` array ``(channels, rows, cols)``, one channel per leaf
    sprite type in SpriteSet order (``env.unwrapped.channel_names``); a cell is 1 when a sprite
    of that type overlaps it, so a sprite between cells marks every cell it touches.
    ``"ascii"``: the grid as level text (one line per row, see :meth:`GVGAIEnv.ascii`).
    ``"pixels"``: RGB ``uint8`` array ``(rows * 10, cols * 10, 3)`` drawn by
    :class:`gvgai_py.rendering.Renderer` (sprites at their pixel positions, so motion between
    cells shows; a level smaller than ``size`` sits in the top-left corner, the rest is black).
Actions: ``Discrete``; 0 is NIL, then GVGAI-Gym's order USE, LEFT, RIGHT, DOWN, UP (USE only
    for games that have it). ``env.unwrapped.get_action_meanings()`` lists them.
Reward: the change in game score. ``info``: ``score`` (cumulative), ``won``, ``lost``, ``ticks``
    (ticks played), ``level_seed`` (for generated levels).
Episode end: ``terminated`` on a win or a loss. ``truncated`` after ``max_steps`` steps
    (:data:`MAX_STEPS`, as GVGAI-Gym), with no loss flag; the Java planning track instead ends
    the game as a loss at that tick.
Render modes: ``"rgb_array"`` (the pixel frame, enlarged ``render_scale`` times, default 1),
    ``"human"`` (a pygame window, ``render_scale`` default 4, with game, level, score and tick
    under the frame and the outcome once the episode ends), ``"ansi"`` (the ``"ascii"`` text).
"""

from __future__ import annotations

import copy
import functools
import operator
import os
from collections.abc import Callable
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.utils import seeding

from gvgai_py import level_source_games
from gvgai_py.engine import CompiledGame, Game, LevelLayout
from gvgai_py.engine.registry import compiled
from gvgai_py.level import Level, resolve_game
from gvgai_py.rendering import Renderer, Window, status_line, upscale

LevelSpec = int | str | Path | Level | Callable[[np.random.Generator], Level]
"""What ``GVGAIEnv(game, level=...)`` accepts (see :meth:`GVGAIEnv.__init__`)."""
OBS_TYPES = ("symbolic", "ascii", "pixels")
OUR_LEVELS = 5
MAX_STEPS = 2000
"""Steps before an episode is truncated: GVGAI's limit on a game's length (the Java class
``core.competition.CompetitionParameters``, ``MAX_TIMESTEPS``), which GVGAI-Gym truncates at and
the planning track ends as a loss. The one place this number is written."""
LAYOUTS_KEPT = 64
"""Level layouts :func:`level_layout` keeps per process (a few prefetched levels per env)."""
LEVEL_SOURCE_GROUP = "gvgai_py.level_sources"
"""Entry-point group of named level sources (``level="pcg"``). The generators package plugs in
here, so that this package never imports it."""


class LevelSource(Protocol):
    """A named source of levels, created as ``factory(game, **kwargs)`` from an entry point.

    ``max_size`` fixes the observation size; ``info()`` is merged into the step ``info``
    (difficulty, level seed, ...); ``set_difficulty(d)`` applies from the next reset.

    The source is called at every reset with the environment's generator ``np_random``, right
    after the environment drew the episode's generator from it (:func:`episode_rng`, its only
    draw at a reset), and returns a :class:`Level` of the environment's game. For
    ``reset(seed=s)`` to replay the same episode (Gymnasium's contract, which
    ``gymnasium.utils.env_checker.check_env`` tests), the level must depend only on the
    generator's state and the source's own settings (its difficulty), never on what the
    source did before. The environment draws nothing else from ``np_random`` between two
    resets, so a source that prepares levels ahead can predict the generator the next
    unseeded reset will pass it, from its state after the source's own draws:
    :func:`next_reset_rng`.
    """

    max_size: tuple[int, int]

    def __call__(self, rng: np.random.Generator) -> Level: ...

    def set_difficulty(self, difficulty: float) -> None: ...

    def info(self) -> dict[str, Any]: ...


def named_level_source(name: str, game: str, **kwargs: Any) -> LevelSource:
    """Build the level source registered under ``name`` (an entry point) for ``game``;
    ValueError if there is none, or if it makes no levels of ``game``
    (:func:`gvgai_py.level_source_games`)."""
    found = entry_points(group=LEVEL_SOURCE_GROUP, name=name)
    if not found:
        raise ValueError(
            f"no level source named {name!r} (a level file's path holds a separator or ends in "
            f".txt: './{name}')"
        )
    games = level_source_games(name)
    if game not in games:
        raise ValueError(f"the {name} level source makes no {game} levels (only "
                         f"{', '.join(games) or 'none'}): play our levels or a level file")
    return next(iter(found)).load()(game, **kwargs)


@functools.lru_cache(maxsize=LAYOUTS_KEPT)
def level_layout(compiled: CompiledGame, rows: tuple[str, ...]) -> LevelLayout:
    """The layout of a level, built once per process: layouts never change, so every episode
    (and every thread) shares it, and a generated level checked in the background is not laid
    out again when an environment resets to it."""
    return LevelLayout.from_rows(compiled, list(rows))


def episode_rng(np_random: np.random.Generator) -> np.random.Generator:
    """An episode's generator, drawn from the environment's before any level, so that an
    episode depends only on the seed and the level played."""
    return np.random.default_rng(int(np_random.integers(2**63)))


def next_reset_rng(np_random: np.random.Generator) -> np.random.Generator:
    """The generator a level source will be called with at the next unseeded reset, given
    ``np_random`` as the source leaves it at this reset: a copy (``np_random`` is untouched),
    advanced past that reset's own draw, :func:`episode_rng` (see :class:`LevelSource`)."""
    ahead = copy.deepcopy(np_random)
    episode_rng(ahead)
    return ahead


def start_game(level: Level, seed: int) -> Game:
    """The game that ``GVGAIEnv(level.game, level=level).reset(seed=seed)`` starts, without
    building an environment (for searches that need many starts)."""
    layout = level_layout(compiled(resolve_game(level.game)), level.rows)
    return Game(layout, episode_rng(seeding.np_random(seed)[0]))


def builtin_level_path(game: str, index: int) -> Path:
    """Path of one of our hand-designed levels, ``levels/<game>/lvl<index>.txt``."""
    if not 0 <= index < OUR_LEVELS:
        raise ValueError(f"level index must be 0-{OUR_LEVELS - 1}, got {index}")
    return Path(str(resources.files("gvgai_levels").joinpath(game, f"lvl{index}.txt")))


def load_level(game: str, spec: int | str | Path | Level) -> Level:
    """A level from an index of our levels, a file path or a :class:`Level`."""
    if isinstance(spec, Level):
        if spec.game != game:
            raise ValueError(f"level is for {spec.game}, not {game}")
        return spec
    if isinstance(spec, (int, np.integer)) and not isinstance(spec, bool):
        return Level.from_file(builtin_level_path(game, int(spec)), game)
    if isinstance(spec, (str, Path)):
        return Level.from_file(spec, game)
    raise TypeError(f"level must be an index, a path, a Level or a callable, got {spec!r}")


class GVGAIEnv(gym.Env):
    """One GVGAI game as a Gymnasium environment; see the module docstring for the spaces."""

    metadata = {"render_modes": ["ansi", "rgb_array", "human"], "render_fps": 15}

    def __init__(
        self,
        game: str,
        level: LevelSpec = 0,
        obs_type: str = "symbolic",
        max_steps: int = MAX_STEPS,
        size: tuple[int, int] | None = None,
        render_mode: str | None = None,
        render_scale: int | None = None,
        **level_source_kwargs: Any,
    ) -> None:
        """``level``: an index of our levels, a level file (a ``Path``, or a ``str`` that
        :func:`looks_like_path`), a :class:`Level`, the name of a level source (``"pcg"``, which
        takes ``level_source_kwargs``) or a callable level source (see :class:`LevelSource`).
        ``size``: the observation's (rows, cols); by default the fixed level's size or a level
        source's ``max_size``, and required for a callable without one."""
        self.description = resolve_game(game)
        self.game_name = self.description.name
        self.compiled = compiled(self.description)
        _check_settings(obs_type, render_mode, max_steps)
        self.obs_type = obs_type
        self.max_steps = max_steps
        self.render_mode = render_mode
        self.render_scale = _render_scale(render_mode, render_scale)
        self.level_label = _level_label(level)
        """How the status line of the human window names the level (``"level 2"``, a file name)."""
        self._level_source = _level_source(level, self.game_name, level_source_kwargs)
        self.level: Level | None = (
            None if self._level_source is not None else load_level(self.game_name, level)
        )
        """The fixed level, or the level source's level of the current episode."""
        self._layout = None if self.level is None else self._layout_of(self.level)
        self.size = self._observation_size(size)
        if self.level is not None:
            self._check_fits(self.level)
        self.channel_names = tuple(t.name for t in self.compiled.types)
        self.action_space = spaces.Discrete(len(self.compiled.actions))
        self._renderer = None
        if obs_type == "pixels" or render_mode in ("rgb_array", "human"):
            self._renderer = Renderer(self.compiled, self.size)
        self._window = None
        self.observation_space = self._observation_space()
        self._build_ascii_tables()
        self.state: Game | None = None
        """The episode in play, None before the first reset (:attr:`game_name` names the
        game)."""
        self._steps = 0

    # ------------------------------------------------------------------ gym API
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Any, dict[str, Any]]:
        super().reset(seed=seed)
        # Replaying a generated level from its text gives the same episode, and a witness
        # found on it with this seed (see start_game) wins here too. The level source comes
        # second, as LevelSource and next_reset_rng say.
        rng = episode_rng(self.np_random)
        layout = self._layout
        if self._level_source is not None:
            self.level = self._sourced_level()
            layout = self._layout_of(self.level)
        self.state = Game(layout, rng)
        self._steps = 0
        if self.render_mode == "human":
            self.render()
        return self._observation(), self._info()

    def step(self, action: int) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Play one tick. ``action`` indexes :meth:`get_action_meanings`: a Python or NumPy
        integer, or a 0-d integer array (as SB3's ``predict`` returns one); anything else, a
        bool or a negative index included, is a ``ValueError``."""
        state = self._started("step")
        actions = self.compiled.actions
        # step() is the hot loop: a plain int in range skips the general conversion.
        if type(action) is not int or not 0 <= action < len(actions):
            action = self._action_index(action)
        before = state.score
        state.step(actions[action])
        self._steps += 1
        terminated = state.ended
        truncated = not terminated and self._steps >= self.max_steps
        if self.render_mode == "human":
            self.render()
        return self._observation(), state.score - before, terminated, truncated, self._info()

    def render(self) -> str | np.ndarray | None:
        state = self._started("render")
        if self.render_mode == "ansi":
            return self.ascii()
        if self.render_mode == "rgb_array":
            return upscale(self._renderer.render(state), self.render_scale)
        if self.render_mode == "human":
            if self._window is None:
                self._window = Window(
                    f"gvgai {self.game_name}", self.render_scale, self.metadata["render_fps"]
                )
            ended = state.ended or self._steps >= self.max_steps
            outcome = ("won" if state.won else "lost" if state.lost
                       else "timed out" if ended else None)
            status = status_line(self.game_name, self.level_label, state.score, state.tick)
            self._window.show(self._renderer.render(state), status, outcome)
        return None

    def close(self) -> None:
        if self._window is not None:
            self._window.close()
            self._window = None
        # A level source may hold resources of its own (the pcg source's generator process).
        close_source = getattr(self._level_source, "close", None)
        if close_source is not None:
            close_source()

    def set_difficulty(self, difficulty: float) -> None:
        """Difficulty of the levels drawn at the next resets (named level sources only)."""
        setter = getattr(self._level_source, "set_difficulty", None)
        if setter is None:
            raise RuntimeError("this environment's levels have no difficulty")
        setter(difficulty)

    def get_action_meanings(self) -> list[str]:
        """Action names by index, e.g. ``['NIL', 'USE', 'LEFT', 'RIGHT', 'DOWN', 'UP']``."""
        return list(self.compiled.actions)

    # ------------------------------------------------------------------ views
    def ascii(self) -> str:
        """The current grid as level text: each cell shows the legend character of exactly the
        sprites in it, or else the symbol of its top-most sprite (last in the SpriteSet)."""
        presence = self._started("ascii").symbolic()
        rows, cols = presence.shape[1:]
        lines = []
        for r in range(rows):
            chars = []
            for c in range(cols):
                present = tuple(np.flatnonzero(presence[:, r, c]).tolist())
                char = self._char_of_set.get(present)
                if char is None:
                    char = self._char_of_type[present[-1]] if present else " "
                chars.append(char)
            lines.append("".join(chars))
        return "\n".join(lines)

    def _started(self, method: str) -> Game:
        """The game in play; there is none to play or show before the first reset."""
        if self.state is None:
            raise RuntimeError(f"call reset() before {method}()")
        return self.state

    def _action_index(self, action: Any) -> int:
        """``action`` as an index of the action space, or a ``ValueError`` naming the space."""
        actions = self.compiled.actions
        try:
            # operator.index takes exactly the integers (NumPy's and 0-d arrays included), but
            # also bools, which are ints to Python and no action here.
            index = -1 if isinstance(action, bool) else operator.index(action)
        except TypeError:
            index = -1
        if not 0 <= index < len(actions):
            listed = ", ".join(f"{i} {name}" for i, name in enumerate(actions))
            raise ValueError(
                f"action must be an integer in {self.action_space} ({listed}), got {action!r}"
            )
        return index

    def _observation(self) -> Any:
        if self.obs_type == "ascii":
            return self.ascii()
        if self.obs_type == "pixels":
            return self._renderer.render(self.state)
        obs = self.state.symbolic()
        rows, cols = self.size
        if obs.shape[1:] == (rows, cols):
            return obs
        padded = np.zeros((obs.shape[0], rows, cols), dtype=np.uint8)
        padded[:, : obs.shape[1], : obs.shape[2]] = obs
        return padded

    def _info(self) -> dict[str, Any]:
        state = self.state
        info = {"score": float(state.score), "won": state.won, "lost": state.lost,
                "ticks": state.tick}
        source_info = getattr(self._level_source, "info", None)
        if source_info is not None:
            info.update(source_info())
        return info

    def _sourced_level(self) -> Level:
        """The level source's level for this reset, checked before the engine sees it."""
        source = self._level_source
        level = source(self.np_random)
        if not isinstance(level, Level):
            raise TypeError(f"level source {source!r} returned {level!r}, not a gvgai_py.Level")
        if level.game != self.game_name:
            raise ValueError(
                f"level source {source!r} returned a {level.game} level for a "
                f"{self.game_name} environment"
            )
        self._check_fits(level)
        return level

    def _layout_of(self, level: Level) -> LevelLayout:
        return level_layout(self.compiled, level.rows)

    def _observation_size(self, size: tuple[int, int] | None) -> tuple[int, int]:
        """``size`` as given, else the fixed level's size or the level source's ``max_size``."""
        if size is None and self.level is not None:
            return (self.level.height, self.level.width)
        size = size or getattr(self._level_source, "max_size", None)
        if size is None:
            raise ValueError("size=(rows, cols) is required with a level generator")
        return tuple(size)

    def _observation_space(self) -> spaces.Space:
        rows, cols = self.size
        if self.obs_type == "symbolic":
            return spaces.Box(0, 1, (len(self.channel_names), rows, cols), dtype=np.uint8)
        if self.obs_type == "pixels":
            block = self.compiled.block
            return spaces.Box(0, 255, (rows * block, cols * block, 3), dtype=np.uint8)
        return spaces.Text(
            max_length=rows * (cols + 1), min_length=0, charset=self._ascii_charset()
        )

    def _check_fits(self, level: Level) -> None:
        rows, cols = self.size
        if level.height > rows or level.width > cols:
            raise ValueError(
                f"level is {level.height}x{level.width} but the observation size is "
                f"{rows}x{cols}; pass a larger size=(rows, cols)"
            )

    def _build_ascii_tables(self) -> None:
        types = self.compiled.types
        self._char_of_set = {
            tuple(sorted(set(tids))): char for char, tids in self.compiled.legend.items()
        }
        self._char_of_type = {}
        for stype in types:
            candidates = [
                (len(tids), char) for char, tids in self.compiled.legend.items()
                if stype.tid in tids
            ]
            by_fewest = min(candidates, key=lambda pair: pair[0])[1] if candidates else "?"
            self._char_of_type[stype.tid] = stype.symbol or by_fewest

    def _ascii_charset(self) -> str:
        symbols = {t.symbol for t in self.compiled.types if t.symbol}
        return "".join(sorted(set(self.compiled.legend) | symbols | {" ", "\n", "?"}))


def looks_like_path(level: str) -> bool:
    """Whether a ``str`` level names a file: it holds a path separator or ends in ``.txt``.
    Any other word names a level source, whatever files the working directory holds, so that
    a file named ``pcg`` there never changes what ``level="pcg"`` means (``"./pcg"`` is that
    file)."""
    separators = {"/", os.sep, os.altsep} - {None}
    return any(sep in level for sep in separators) or level.lower().endswith(".txt")


def _check_settings(obs_type: str, render_mode: str | None, max_steps: int) -> None:
    if obs_type not in OBS_TYPES:
        raise ValueError(f"obs_type must be 'symbolic', 'ascii' or 'pixels', got {obs_type!r}")
    if render_mode is not None and render_mode not in GVGAIEnv.metadata["render_modes"]:
        raise ValueError(f"render_mode must be one of {GVGAIEnv.metadata['render_modes']}")
    if max_steps <= 0:
        raise ValueError(f"max_steps must be positive, got {max_steps}")


def _render_scale(render_mode: str | None, render_scale: int | None) -> int:
    """``render_scale``, by default 4 for a window and 1 for frames."""
    scale = render_scale or (4 if render_mode == "human" else 1)
    if scale < 1:
        raise ValueError(f"render_scale must be at least 1, got {render_scale}")
    return scale


def _level_source(
    level: LevelSpec, game: str, kwargs: dict[str, Any]
) -> Callable[[np.random.Generator], Level] | None:
    """The level source that ``level`` names or is; None for a fixed level, which takes no
    keyword arguments."""
    if isinstance(level, str) and not looks_like_path(level):
        return named_level_source(level, game, **kwargs)
    if kwargs:
        raise TypeError(f"unexpected arguments {sorted(kwargs)}")
    if callable(level) and not isinstance(level, Level):
        return level
    return None


def _level_label(level: LevelSpec) -> str:
    if isinstance(level, (int, np.integer)) and not isinstance(level, bool):
        return f"level {int(level)}"
    if isinstance(level, Path) or (isinstance(level, str) and looks_like_path(level)):
        return Path(level).name
    if isinstance(level, str):
        return f"{level} level"
    return "custom level" if isinstance(level, Level) else "generated level"
