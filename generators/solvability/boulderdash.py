"""Boulderdash's search domain: diamonds first, then the exit.

Options: walk to one of the nearest diamonds (or to the exit once enough are held), re-planning
every tick around boulders, the cells they can fall through and the enemies' reach
(:meth:`Boulderdash.walk_to`); plus every primitive action, for the careful moves a walk gets
wrong. The heuristic counts diamonds still needed plus walking distances, with a penalty for
goals that enemies or boulders cut off for now (:class:`WalkEstimate`). Only walls are forever:
a level is hopeless when the exit, or fewer diamonds than needed (butterflies included, since a
crab turns one into a diamond), can be reached through non-wall cells.
"""

from __future__ import annotations

from collections.abc import Hashable

from gvgai_generators.grid import UNREACHABLE, grid_moves
from gvgai_generators.planning import cells_of
from gvgai_generators.solvability.core import Option, SearchDomain, play_actions
from gvgai_generators.solvability.walking import (
    avatar_cell,
    downhill_move,
    oriented_step,
    steps_from,
)
from gvgai_py.engine import Game

DIAMONDS_NEEDED = 9
"""Diamonds the avatar must hold before the exit lets it out."""
NEAREST_TARGETS = 4
"""Walks offered per state: to this many of the nearest reachable goals."""
ITEM_COST = 25
"""Heuristic cost of each diamond still to collect beyond the nearest one: more than a typical
walk between diamonds, so that taking one always looks like progress to the greedy search."""
ENEMY_DETOUR = 5
"""Extra ticks guessed for a goal that only enemies keep out of reach now."""
BOULDER_DETOUR = 30
"""Extra ticks guessed for a goal that boulders wall off (digging around them)."""
WALK_TICKS_PER_STEP = 3
"""Actions a walk may play per step of the path planned at its start: a step costs two when
the avatar has to turn first, and re-planning around falling boulders and moving enemies adds
detours."""
WALK_SLACK = 6
"""Actions a walk may play beyond its steps' share, so that a walk to a near goal can still
make a detour."""
TICK_WEIGHT = 0.05


def walk_limit(steps: float) -> int:
    """The most actions a walk to a goal ``steps`` away may play. The bound stops a walk that
    an enemy keeps turning back, and leaves that state to the search's primitive actions."""
    return WALK_TICKS_PER_STEP * int(steps) + WALK_SLACK


def held(game: Game) -> int:
    """Diamonds the avatar holds."""
    return game.avatar.resources.get("diamond", 0)


class WalkEstimate:
    """Estimated ticks from the avatar's cell to a goal: the walk around every hazard, else
    the walk past enemies plus :data:`ENEMY_DETOUR`, else the grid distance plus
    :data:`BOULDER_DETOUR`."""

    def __init__(self, game: Game, walls: set[int], falls: set[int], near_enemies: set[int]):
        self.game, self.walls, self.falls = game, walls, falls
        self.here = avatar_cell(game)
        self.safe = steps_from(game, [self.here], walls | falls | near_enemies)
        self._past_enemies: list[float] | None = None
        """Walking distances that ignore the enemies, computed when a goal first needs them."""

    def __call__(self, goal: int) -> float:
        if self.safe[goal] < UNREACHABLE:
            return self.safe[goal]
        if self._past_enemies is None:
            self._past_enemies = steps_from(self.game, [self.here], self.walls | self.falls)
        if self._past_enemies[goal] < UNREACHABLE:
            return self._past_enemies[goal] + ENEMY_DETOUR
        cols = self.game.cols
        (row, col), (goal_row, goal_col) = divmod(self.here, cols), divmod(goal, cols)
        return BOULDER_DETOUR + abs(row - goal_row) + abs(col - goal_col)


class Boulderdash:
    """The search domain of one level: what never changes in it (walls, the cells the avatar
    could ever reach), and the domain's pieces as methods."""

    def __init__(self, start: Game, diamonds_needed: int, nearest: int) -> None:
        compiled = start.compiled
        self.diamonds_needed = diamonds_needed
        self.nearest = nearest
        self.walls = cells_of(start, "wall")
        self.support_types = [
            t for name in ("dirt", "wall", "diamond") for t in compiled.leaf_ids(name)
        ]
        """Types a boulder rests on."""
        self.movers = compiled.leaf_ids("boulder") + compiled.leaf_ids("enemy")
        self.actions = compiled.actions
        self.rows, self.cols = start.rows, start.cols
        self.moves = grid_moves(self.rows, self.cols)
        self.ever_reachable = steps_from(start, [avatar_cell(start)], self.walls)

    # ------------------------------------------------------------------ hazards
    def falls(self, game: Game) -> set[int]:
        """Boulders and the empty cells below them that they will fall through."""
        static_support = [game.cells[t] for t in self.support_types]
        boulders = cells_of(game, "boulder")
        falls = set(boulders)
        for cell in boulders:
            below = cell + self.cols
            while below < self.rows * self.cols and below not in boulders and not any(
                below in cells for cells in static_support
            ):
                falls.add(below)
                below += self.cols
        return falls

    def near_enemies(self, game: Game) -> set[int]:
        """Enemies and the cells next to them."""
        near = set()
        for cell in cells_of(game, "enemy"):
            near.add(cell)
            near.update(n for _, n in self.moves[cell])
        return near

    def danger(self, game: Game) -> set[int]:
        """The cells a walk avoids now."""
        return self.walls | self.falls(game) | self.near_enemies(game)

    # ------------------------------------------------------------------ options
    def targets(self, game: Game) -> set[int]:
        """The exit once enough diamonds are held, else the diamonds."""
        if held(game) >= self.diamonds_needed:
            return cells_of(game, "exitdoor")
        return cells_of(game, "diamond")

    def walk_to(self, target: int, limit: int) -> Option:
        """Walk towards ``target``, re-planning around :meth:`danger` every step, for at most
        ``limit`` actions; it stops where no step leads nearer."""

        def walk(game: Game) -> list[str]:
            played: list[str] = []
            while len(played) < limit and avatar_cell(game) != target:
                distance = steps_from(game, [target], self.danger(game))
                move = downhill_move(game, distance, avatar_cell(game))
                if move is None:
                    break
                played += play_actions(oriented_step(game, move))(game)
                if game.ended:
                    break
            return played

        return walk

    def options(self, game: Game) -> list[Option]:
        """Walks to the ``nearest`` reachable targets, then every primitive action."""
        distance = steps_from(game, [avatar_cell(game)], self.danger(game))
        reachable = sorted(
            (distance[t], t) for t in self.targets(game) if distance[t] < UNREACHABLE
        )
        walks = [self.walk_to(t, walk_limit(d)) for d, t in reachable[: self.nearest]]
        return walks + [play_actions([action]) for action in self.actions]

    # ------------------------------------------------------------------ heuristic
    def hopeless(self, game: Game, needed: int) -> bool:
        """The walls cut the avatar off from every exit, or from the ``needed`` diamonds."""
        possible = cells_of(game, "diamond", "butterfly") if needed else set()
        return (
            not any(self.ever_reachable[e] < UNREACHABLE for e in cells_of(game, "exitdoor"))
            or sum(self.ever_reachable[c] < UNREACHABLE for c in possible) < needed
        )

    def heuristic(self, game: Game) -> float:
        needed = max(0, self.diamonds_needed - held(game))
        if self.hopeless(game, needed):
            return UNREACHABLE
        estimate = WalkEstimate(game, self.walls, self.falls(game), self.near_enemies(game))
        to_exit = min(map(estimate, cells_of(game, "exitdoor")))
        if not needed:
            return to_exit
        # The exit distance is counted while diamonds are still needed too, so that taking
        # the last one never looks like a step back.
        # With no diamond left, only a crab meeting a butterfly can make one.
        goals = cells_of(game, "diamond") or cells_of(game, "butterfly")
        return ITEM_COST * (needed - 1) + min(map(estimate, goals)) + to_exit

    def state_key(self, game: Game) -> Hashable:
        avatar = game.avatar
        movers = tuple((s.tid, s.x, s.y) for tid in self.movers for s in game.dynamic[tid])
        dirt = frozenset(cells_of(game, "dirt"))
        return (avatar.x, avatar.y, avatar.dx, avatar.dy, held(game), dirt, movers)


def domain(
    start: Game, diamonds_needed: int = DIAMONDS_NEEDED, nearest: int = NEAREST_TARGETS
) -> SearchDomain:
    level = Boulderdash(start, diamonds_needed, nearest)
    return SearchDomain(level.options, level.heuristic, level.state_key, TICK_WEIGHT)
