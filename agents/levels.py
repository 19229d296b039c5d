"""Level sets named on the command line (``--levels``), and the environments that play them.

Words: ``human`` (our five levels ``levels/<game>/lvl0..4.txt``), ``0`` or ``0,1,2`` (some of
them), a level file or a folder of ``.txt`` levels, ``pcg:D`` (generated levels of difficulty
``D`` in [0, 1]), and for training only the curricula ``ppcg`` (Progressive PCG from difficulty
0) and ``plr`` (Prioritized Level Replay over :data:`PLR_LEVELS` levels of difficulty
:data:`PLR_DIFFICULTY`). Generated levels come from :mod:`generators.pcg`, imported only when
used, and exist only for the games with a generator (:data:`gvgai_py.GENERATED_GAMES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np

from gvgai_agents.errors import LevelsError
from gvgai_py import GENERATED_GAMES, Level, env_id
from gvgai_py.envs import OUR_LEVELS, builtin_level_path

HUMAN = "human"
GENERATED = "pcg"
PPCG, PLR = "ppcg", "plr"
CURRICULA = (PPCG, PLR)
PLR_LEVELS = 500
"""Size of PLR's level set: level seeds ``0 .. PLR_LEVELS - 1``."""
PLR_DIFFICULTY = 1.0
GENERATOR_MODULES = ("gvgai_generators.pcg", "gvgai_generators.curriculum")


def is_generated(word: str) -> bool:
    """Whether a ``--levels`` word names generated levels (``pcg:D`` or a curriculum)."""
    return word.startswith(f"{GENERATED}:") or word in CURRICULA


def require_generators(game: str, word: str, option: str = "--levels") -> None:
    """Refuse ``word``, a word of generated levels given to ``option``, where this
    installation lacks the generators or ``game`` has no generator
    (:data:`gvgai_py.GENERATED_GAMES`)."""
    if not all(find_spec(module) for module in GENERATOR_MODULES):
        raise LevelsError(f"{option} {word} needs the level generators "
                          f"({', '.join(GENERATOR_MODULES)}), which this installation lacks")
    if not GENERATED_GAMES:  # metadata of an install older than the generated games' list
        raise LevelsError(f"{option} {word}: the installed gvgai_py metadata lists no game with "
                          "a level generator: reinstall it (make install, or pip install -e .)")
    if game not in GENERATED_GAMES:
        raise LevelsError(f"{option} {word}: {game} has no level generator (only "
                          f"{', '.join(GENERATED_GAMES)} have one): use our levels (0,1,2 or "
                          f"{HUMAN}) or level files")


@dataclass(frozen=True)
class LevelSet:
    """A set of levels for training or evaluation.

    Exactly one of: ``levels`` (fixed levels), ``difficulty`` (generated levels of that
    difficulty) or ``curriculum`` (``"ppcg"`` or ``"plr"``: generated levels whose difficulty
    or choice a training callback steers).
    """

    word: str
    """The ``--levels`` word it came from."""
    name: str
    """Its name in TensorBoard tags and reports (letters, digits, ``_-.`` only)."""
    levels: tuple[Level, ...] = ()
    difficulty: float | None = None
    curriculum: str | None = None

    def level_source(self, game: str) -> Any:
        """The ``level=`` argument of :class:`gvgai_py.envs.GVGAIEnv` for an env that draws
        from this set at every reset (a fresh generator source for generated levels)."""
        if self.levels:
            return self.levels[0] if len(self.levels) == 1 else UniformLevels(self.levels)
        from gvgai_generators.pcg import PREFETCH, PREFETCH_FIXED, PCGLevelSource

        num_levels = PLR_LEVELS if self.curriculum == PLR else None
        prefetch = PREFETCH_FIXED if self.difficulty is not None else PREFETCH
        return PCGLevelSource(game, difficulty=self.start_difficulty, num_levels=num_levels,
                              prefetch=prefetch)

    @property
    def start_difficulty(self) -> float:
        """Difficulty of the first generated levels (PPCG starts from the easiest)."""
        if self.difficulty is not None:
            return self.difficulty
        return PLR_DIFFICULTY if self.curriculum == PLR else 0.0

    def max_size(self, game: str) -> tuple[int, int]:
        """``(rows, cols)`` that fits every level of the set."""
        if self.levels:
            return max(lvl.height for lvl in self.levels), max(lvl.width for lvl in self.levels)
        from gvgai_generators import max_size

        return tuple(max_size(game))


class UniformLevels:
    """A level source drawing uniformly from fixed levels (picklable, for subprocess envs)."""

    def __init__(self, levels: tuple[Level, ...]) -> None:
        self.levels = levels

    def __call__(self, rng: np.random.Generator) -> Level:
        return self.levels[int(rng.integers(len(self.levels)))]


class LevelSequence:
    """A level source playing given levels in order, one per reset (for evaluation)."""

    def __init__(self, levels: list[Level]) -> None:
        self.levels = levels
        self.next = 0

    def __call__(self, rng: np.random.Generator) -> Level:
        level = self.levels[self.next % len(self.levels)]
        self.next += 1
        return level


def our_level(game: str, index: int) -> Level:
    path = builtin_level_path(game, index)
    if not path.is_file():
        raise LevelsError(f"{game} level {index} is not installed (expected {path})")
    return Level.from_file(path, game)


def parse_level_set(game: str, word: str, training: bool) -> LevelSet:
    """The level set a ``--levels`` word names (see the module docstring)."""
    if word == HUMAN:
        return LevelSet(word, HUMAN, tuple(our_level(game, i) for i in range(OUR_LEVELS)))
    if re.fullmatch(r"\d+(,\d+)*", word):
        indices = [int(i) for i in word.split(",")]
        if any(i >= OUR_LEVELS for i in indices):
            raise LevelsError(f"--levels {word}: our levels are numbered 0-{OUR_LEVELS - 1}")
        return LevelSet(word, f"lvl{word.replace(',', '-')}",
                        tuple(our_level(game, i) for i in indices))
    if word.startswith(f"{GENERATED}:"):
        try:
            difficulty = float(word.partition(":")[2])
        except ValueError:
            difficulty = -1.0
        if not 0.0 <= difficulty <= 1.0:
            raise LevelsError(f"--levels {word}: the difficulty must be a number in [0, 1]")
        require_generators(game, word)
        return LevelSet(word, f"{GENERATED}_{difficulty:g}", difficulty=difficulty)
    if word in CURRICULA:
        if not training:
            raise LevelsError(f"--levels {word} is a training curriculum, not a test set")
        require_generators(game, word)
        return LevelSet(word, word, curriculum=word)
    return _level_files(game, word)


def _level_files(game: str, word: str) -> LevelSet:
    path = Path(word)
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        if not files:
            raise LevelsError(f"--levels {word}: no .txt level files in that folder")
    elif path.is_file():
        files = [path]
    else:
        raise LevelsError(
            f"--levels {word}: not a level file, a folder, {HUMAN}, an index list like 0,1,2, "
            f"{GENERATED}:D or one of {', '.join(CURRICULA)}"
        )
    name = re.sub(r"[^\w.-]", "_", path.stem if path.is_file() else path.name)
    return LevelSet(word, name, tuple(Level.from_file(f, game) for f in files))


def make_level_set_env(
    game: str,
    level_set: LevelSet,
    obs_type: str,
    size: tuple[int, int],
    max_episode_steps: int,
) -> gym.Env:
    """One environment drawing its levels from ``level_set``, observations padded to ``size``.

    A module-level function so that subprocess environments can unpickle it. PLR's envs are
    wrapped so that ``VecEnv.env_method("queue_level", ...)`` reaches their level source.
    """
    level = level_set.level_source(game)
    env = gym.make(env_id(game), level=level, obs_type=obs_type, size=size,
                   max_steps=max_episode_steps)
    if level_set.curriculum == PLR:
        from gvgai_generators.pcg import LevelQueue

        env = LevelQueue(env, level)
    return env
