"""The four games, each a declarative :class:`~gvgai_py.engine.GameDescription`."""

from gvgai_py.engine import GameDescription
from gvgai_py.games.boulderdash import BOULDERDASH
from gvgai_py.games.frogs import FROGS
from gvgai_py.games.solarfox import SOLARFOX
from gvgai_py.games.zelda import ZELDA

GAMES: dict[str, GameDescription] = {g.name: g for g in (ZELDA, FROGS, BOULDERDASH, SOLARFOX)}

__all__ = ["GAMES", "BOULDERDASH", "FROGS", "SOLARFOX", "ZELDA"]
