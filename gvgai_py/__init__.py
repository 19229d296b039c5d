"""gvgai_py: eleven GVG-AI games in pure Python: GVGAI's first training set (Aliens,
Boulderdash, Butterflies, Chase, Frogs, Missile Command, Portals, Sokoban, Survive Zombies,
Zelda) and Solarfox.

``import gvgai_py`` registers ``gvgai/<Game>-v0`` for every game of :data:`GAMES`
(``gvgai/Zelda-v0``, ``gvgai/MissileCommand-v0`` ...: our levels, a file, or a level source), and
``gvgai/<Game>-pcg-v0``, the same game on generated levels (``level="pcg"``), for the games
that have a level generator (:data:`GENERATED_GAMES`), for tools that take only an id:
``gym.make("gvgai/Zelda-pcg-v0", difficulty=0.5)``. ``gvgai/VGDL-v0`` plays any game of a VGDL
file within the engine's ontology on a level file:
``gym.make("gvgai/VGDL-v0", game_file=PATH, level_file=PATH)`` (see ``gvgai_py.vgdl``).
"""

from importlib.metadata import entry_points

import gymnasium

from gvgai_py.games import GAMES
from gvgai_py.level import Level, LevelError

__all__ = ["ENV_IDS", "GAMES", "GENERATED_GAMES", "PCG_ENV_IDS", "VGDL_ENV_ID", "Level",
           "LevelError", "env_id", "level_source_games"]
__version__ = "0.1.0"


GENERATED = "pcg"
"""The named level source of generated levels (an entry point of the generators package)."""
LEVEL_SOURCE_GAMES_GROUP = "gvgai_py.level_sources.{}"
"""Entry-point group in which the package that provides a named level source lists the games
it makes levels of, one entry point per game (``gvgai_py.level_sources.pcg``: ``zelda = ...``).
Only the names are read, so that knowing which games have generated levels imports nothing of
that package."""


def level_source_games(source: str) -> tuple[str, ...]:
    """The games of :data:`GAMES` that the named level source makes levels of, in the order of
    :data:`GAMES` (see :data:`LEVEL_SOURCE_GAMES_GROUP`)."""
    listed = entry_points(group=LEVEL_SOURCE_GAMES_GROUP.format(source)).names
    return tuple(game for game in GAMES if game in listed)


ID_NAMES = {"missilecommand": "MissileCommand", "survivezombies": "SurviveZombies"}
"""How the ids spell the games whose names join several words; the others' ids capitalize
the name."""


def env_id(game: str, level_source: str | None = None) -> str:
    """The Gymnasium id of a game name: ``env_id("zelda") == "gvgai/Zelda-v0"``,
    ``env_id("missilecommand") == "gvgai/MissileCommand-v0"`` (:data:`ID_NAMES`), and of the
    game on a named level source: ``env_id("zelda", "pcg") == "gvgai/Zelda-pcg-v0"``."""
    variant = f"-{level_source}" if level_source else ""
    name = ID_NAMES.get(game.lower(), game.capitalize())
    return f"gvgai/{name}{variant}-v0"


def _register(games: tuple[str, ...], level_source: str | None = None) -> tuple[str, ...]:
    """Register ``games`` (on ``level_source`` when given, which then is the default of the
    ``level`` keyword); returns the ids."""
    ids = []
    for name in games:
        ids.append(env_id(name, level_source))
        kwargs = {"game": name} if level_source is None else {"game": name, "level": level_source}
        if ids[-1] not in gymnasium.registry:
            gymnasium.register(ids[-1], entry_point="gvgai_py.envs:GVGAIEnv", kwargs=kwargs)
    return tuple(ids)


GENERATED_GAMES = level_source_games(GENERATED)
"""The games with a level generator (when the generators package is installed). The others play
our levels, level files and callable level sources only: no ``-pcg`` id, no ``level="pcg"``."""
ENV_IDS = _register(tuple(GAMES))
PCG_ENV_IDS = _register(GENERATED_GAMES, GENERATED)
VGDL_ENV_ID = "gvgai/VGDL-v0"
if VGDL_ENV_ID not in gymnasium.registry:
    gymnasium.register(VGDL_ENV_ID, entry_point="gvgai_py.vgdl:make_env")
