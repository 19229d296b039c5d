"""gvgai_py: four GVG-AI games (Zelda, Frogs, Boulderdash, Solarfox) in pure Python.

``import gvgai_py`` registers the Gymnasium ids ``gvgai/Zelda-v0``, ``gvgai/Frogs-v0``,
``gvgai/Boulderdash-v0`` and ``gvgai/Solarfox-v0`` (our levels, a file, or a level source), and
``gvgai/<Game>-pcg-v0``, the same games on generated levels (``level="pcg"``), for tools that
take only an id: ``gym.make("gvgai/Zelda-pcg-v0", difficulty=0.5)``. ``gvgai/VGDL-v0`` plays any
game of a VGDL file within the engine's ontology on a level file:
``gym.make("gvgai/VGDL-v0", game_file=PATH, level_file=PATH)`` (see ``gvgai_py.vgdl``).
"""

import gymnasium

from gvgai_py.games import GAMES
from gvgai_py.level import Level, LevelError

__all__ = ["ENV_IDS", "GAMES", "PCG_ENV_IDS", "VGDL_ENV_ID", "Level", "LevelError", "env_id"]
__version__ = "0.1.0"


GENERATED = "pcg"
"""The named level source of generated levels (an entry point of the generators package)."""


def env_id(game: str, level_source: str | None = None) -> str:
    """The Gymnasium id of a game name: ``env_id("zelda") == "gvgai/Zelda-v0"``, and of the
    game on a named level source: ``env_id("zelda", "pcg") == "gvgai/Zelda-pcg-v0"``."""
    variant = f"-{level_source}" if level_source else ""
    return f"gvgai/{game.capitalize()}{variant}-v0"


def _register(level_source: str | None = None) -> tuple[str, ...]:
    """Register every game (on ``level_source`` when given, which then is the default of the
    ``level`` keyword); returns the ids."""
    ids = []
    for name in GAMES:
        ids.append(env_id(name, level_source))
        kwargs = {"game": name} if level_source is None else {"game": name, "level": level_source}
        if ids[-1] not in gymnasium.registry:
            gymnasium.register(ids[-1], entry_point="gvgai_py.envs:GVGAIEnv", kwargs=kwargs)
    return tuple(ids)


ENV_IDS = _register()
PCG_ENV_IDS = _register(GENERATED)
VGDL_ENV_ID = "gvgai/VGDL-v0"
if VGDL_ENV_ID not in gymnasium.registry:
    gymnasium.register(VGDL_ENV_ID, entry_point="gvgai_py.vgdl:make_env")
