"""What the planners and searches share: a plan, the world played without the avatar, cells.

In Frogs and Solarfox nothing the avatar does changes the sprites that can kill it (logs and
trucks; enemies and their shots), and the avatar never draws from the game's random stream.
So a planner plays that world once, on a copy of the game with the avatar taken out, and then
plans the avatar's part of each tick against the recorded positions, without cloning the game
for every move.

Planners and the search of :mod:`generators.solvability` both see a level as flat cell indices
(row * cols + col): :func:`cells_of` here, :func:`generators.grid.grid_moves` and
:func:`generators.grid.breadth_first` for moves and distances.
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


def game_over(game: Game) -> bool:
    """No plan can win from ``game``: its avatar is gone or disabled, or the game has ended."""
    avatar = game.avatar
    return avatar is None or avatar.disabled or game.ended


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


def cells_of(game: Game, *type_names: str) -> set[int]:
    """Flat cell indices (row * cols + col) that sprites of these types overlap."""
    found: set[int] = set()
    for name in type_names:
        for tid in game.compiled.leaf_ids(name):
            if game.types[tid].static:
                found.update(game.cells[tid])
            else:
                for sprite in game.dynamic[tid]:
                    found.update(game.cell_keys(sprite.x, sprite.y))
    return found
