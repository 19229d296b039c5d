"""gvgai_py: four GVG-AI games (Zelda, Frogs, Boulderdash, Solarfox) in pure Python.

``import gvgai_py`` registers the Gymnasium ids ``gvgai/Zelda-v0``, ``gvgai/Frogs-v0``,
``gvgai/Boulderdash-v0`` and ``gvgai/Solarfox-v0``.
"""

import gymnasium

from gvgai_py.games import GAMES
from gvgai_py.level import Level, LevelError

__all__ = ["ENV_IDS", "GAMES", "Level", "LevelError", "env_id"]
__version__ = "0.1.0"


def env_id(game: str) -> str:
    """The Gymnasium id of a game name: ``env_id("zelda") == "gvgai/Zelda-v0"``."""
    return f"gvgai/{game.capitalize()}-v0"


def _register() -> tuple[str, ...]:
    ids = []
    for name in GAMES:
        ids.append(env_id(name))
        if ids[-1] not in gymnasium.registry:
            gymnasium.register(ids[-1], entry_point="gvgai_py.envs:GVGAIEnv", kwargs={"game": name})
    return tuple(ids)


ENV_IDS = _register()
