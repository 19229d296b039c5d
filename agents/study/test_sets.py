"""The levels every model of a study is evaluated on: our levels, generated levels from level
seeds that training never draws, and optionally a folder of the game's levels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from gvgai_agents.errors import ConfigError
from gvgai_agents.level_map import game_level_files
from gvgai_agents.levels import HUMAN, LevelSet, parse_level_set
from gvgai_agents.study.config import StudyConfig
from gvgai_generators.pcg import SEED_SPACE
from gvgai_py import Level
from gvgai_py.files import write_text_atomically

TEST_LEVEL_SEEDS = range(SEED_SPACE, 2 * SEED_SPACE)
"""Level seeds of generated test levels, disjoint from every training level seed: the ``pcg``
level source draws training seeds from ``range(SEED_SPACE)`` (or the smaller
``range(num_levels)``; PLR's ``range(gvgai_agents.levels.PLR_LEVELS)``). A level is named by (seed,
difficulty) (:func:`generators.generate_verified`); each test set takes the first seeds of this
range whose level verifies."""
TEST_LEVELS = "test_levels"
"""The folder of ``out`` that holds the generated test levels."""


@dataclass(frozen=True)
class TestSet:
    """Levels every model is evaluated on."""

    levels: LevelSet
    """The levels (``levels.name`` names the test set in reports)."""
    words: tuple[str, ...]
    """``--levels`` words that cover these levels: training sizes its grid to fit them."""

    @property
    def name(self) -> str:
        return self.levels.name


def generated_test_set(game: str, difficulty: float, count: int, folder: Path) -> TestSet:
    """``count`` verified levels at ``difficulty`` from :data:`TEST_LEVEL_SEEDS`, stored in
    ``folder`` as ``seed_<N>.txt`` (kept: a study's test levels never change under it). A seed
    whose level cannot be verified is skipped, so the set takes the next one."""
    from gvgai_generators import UnsolvableLevelError, generate_verified

    folder.mkdir(parents=True, exist_ok=True)
    levels = []
    seeds = iter(TEST_LEVEL_SEEDS)
    with tqdm(total=count, desc=f"test levels {folder.name}", unit="level", leave=False) as bar:
        while len(levels) < count:
            seed = next(seeds)
            path = folder / f"seed_{seed}.txt"
            if not path.is_file():
                try:
                    level, _ = generate_verified(game, difficulty, seed)
                except UnsolvableLevelError:
                    continue
                write_text_atomically(path, level.to_string())
            levels.append(Level.from_file(path, game))
            bar.update()
    return TestSet(LevelSet(str(folder), folder.name, tuple(levels)), (str(folder),))


def prepare_test_sets(config: StudyConfig) -> list[TestSet]:
    """The study's test sets (generating the generated ones on first use)."""
    human = parse_level_set(config.game, HUMAN, training=False)
    test_sets = [TestSet(human, (HUMAN,))]
    for difficulty in config.test_difficulties:
        folder = config.out / TEST_LEVELS / f"pcg_{difficulty:g}"
        test_sets.append(generated_test_set(config.game, difficulty, config.test_levels, folder))
    if config.extra_test_levels is not None:
        directory = config.extra_test_levels
        files = game_level_files(config.game, directory)
        levels = tuple(Level.from_file(f, config.game) for f in files)
        name = config.extra_test_name or directory.name
        test_sets.append(TestSet(LevelSet(str(directory), name, levels),
                                 tuple(str(f) for f in files)))
    names = [t.name for t in test_sets]
    if len(set(names)) < len(names):
        raise ConfigError(f"test sets need distinct names, got {', '.join(names)}")
    return test_sets
