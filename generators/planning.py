"""What the specialised planners share: their result, and the world played without the avatar.

In Frogs and Solarfox nothing the avatar does changes the sprites that can kill it (logs and
trucks; enemies and their shots), and the avatar never draws from the game's random stream.
So a planner plays that world once, on a copy of the game with the avatar taken out, and then
plans the avatar's part of each tick against the recorded positions, without cloning the game
for every move.
"""

from __future__ import annotations

from dataclasses import dataclass

from gvgai_py.engine import Game


@dataclass(frozen=True)
class Plan:
    """What a planner found."""

    actions: list[str] | None
    """Action names that win from the state planned from; None if none was found."""
    exhausted: bool
    """Nothing wins from that state, as far as the planner's model goes."""
    ticks: int
    """Ticks the planner searched (and world ticks it played)."""


def without_avatar(start: Game) -> Game:
    """A copy of ``start`` with its avatar removed, to be stepped with any action: nobody acts,
    and everything else moves, spawns and draws random numbers as it would with the avatar.

    The copy's avatar-counting terminations end it at once; stepping goes on regardless.
    """
    world = start.clone()
    avatar = world.avatar
    world.dynamic[avatar.tid] = [s for s in world.dynamic[avatar.tid] if s is not avatar]
    world.present[avatar.tid] -= 1
    world.avatar = None
    return world


def static_cells(game: Game, *type_names: str) -> set[int]:
    """Flat cell indices (row * cols + col) holding static sprites of these types."""
    tids = [tid for name in type_names for tid in game.compiled.leaf_ids(name)]
    return {cell for tid in tids for cell in game.cells[tid]}
