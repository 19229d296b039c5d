"""The generic VGDL-style engine. It never names a game: games are data (``gvgai_py.games``)."""

from gvgai_py.engine.compiler import CompiledGame, DescriptionError
from gvgai_py.engine.description import (
    EOS,
    GameDescription,
    MultiSpriteCounter,
    SpriteCounter,
    Timeout,
    rule,
    sprite,
)
from gvgai_py.engine.game import Game, LevelLayout

__all__ = [
    "EOS", "CompiledGame", "DescriptionError", "Game", "GameDescription", "LevelLayout",
    "MultiSpriteCounter", "SpriteCounter", "Timeout", "rule", "sprite",
]
