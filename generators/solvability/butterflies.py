"""Butterflies' search domain: catch the nearest butterfly (:mod:`.catching`)."""

from __future__ import annotations

from gvgai_generators.solvability import catching
from gvgai_generators.solvability.core import SearchDomain
from gvgai_py.engine import Game


def domain(start: Game) -> SearchDomain:
    return catching.domain(start, "butterfly")
