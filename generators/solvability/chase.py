"""Chase's search domain: catch the nearest scared goat, never next to an angry one
(:mod:`.catching`)."""

from __future__ import annotations

from gvgai_generators.solvability import catching
from gvgai_generators.solvability.core import SearchDomain
from gvgai_py.engine import Game


def domain(start: Game) -> SearchDomain:
    return catching.domain(start, "scared", avoid="angry")
