"""The games, each a declarative :class:`~gvgai_py.engine.GameDescription`."""

from gvgai_py.engine import GameDescription
from gvgai_py.games.aliens import ALIENS
from gvgai_py.games.boulderdash import BOULDERDASH
from gvgai_py.games.butterflies import BUTTERFLIES
from gvgai_py.games.chase import CHASE
from gvgai_py.games.frogs import FROGS
from gvgai_py.games.missilecommand import MISSILECOMMAND
from gvgai_py.games.portals import PORTALS
from gvgai_py.games.sokoban import SOKOBAN
from gvgai_py.games.solarfox import SOLARFOX
from gvgai_py.games.survivezombies import SURVIVEZOMBIES
from gvgai_py.games.zelda import ZELDA

GAMES: dict[str, GameDescription] = {
    g.name: g
    for g in (
        ZELDA, FROGS, BOULDERDASH, SOLARFOX, BUTTERFLIES, CHASE, SURVIVEZOMBIES, PORTALS, SOKOBAN,
        ALIENS, MISSILECOMMAND,
    )
}

__all__ = [
    "GAMES", "ALIENS", "BOULDERDASH", "BUTTERFLIES", "CHASE", "FROGS", "MISSILECOMMAND",
    "PORTALS", "SOKOBAN", "SOLARFOX", "SURVIVEZOMBIES", "ZELDA",
]
