"""Solarfox: plan a route over the blibs against the precomputed flight of the enemies' shots.

The enemies and their shots move by themselves and draw from the game's random stream, which
the ship never touches; the blibs never move. So the enemies and shots are played once, tick
by tick, without the ship (:class:`Shots`), and a best-first search over (ticks played, ship
cell, blibs left) plays only the ship's part of each tick against them (docs/engine.md,
"Solarfox quirks"):

* The ship moves ``step`` pixels a tick in the direction it was last steered, except on its
  first update (so a level's first tick leaves it in place). The search steers only when the
  ship is on a cell, so that it flies from cell to cell: one flight is ``block / step`` ticks
  (one more for the first), the first action steering and the others NIL.
* It dies when, after a tick's moves, it overlaps a wall, an enemy lane, an enemy or a shot.
  The flights never enter a wall or lane cell, so only enemies and shots are checked, against
  their positions after the same tick; a flight is kept only if the ship survives all of it.
* A blib is eaten on the tick the ship first overlaps its cell. A power blib first touched at
  tick t0 turns into a blib at t0 + 3, which the ship eats at t0 + 4 if it is still in contact
  (docs/engine.md, "Solarfox quirks"); a flight keeps contact for at least ``block / step``
  ticks, so a power blib on the flight's cell is gone 4 ticks after the first contact.
* The game is won on the tick the last blib or power blib is gone (if the ship is alive).

The model is checked, not trusted: :func:`generators.solvability.verify` replays the plan on
the engine and counts only a win.
"""

from __future__ import annotations

import heapq
import itertools

from gvgai_generators.grid import grid_moves
from gvgai_generators.planning import Plan, cells_of, game_over, without_avatar
from gvgai_py.engine import Game
from gvgai_py.engine.compiler import ACTION_DIRECTIONS

POWER_DELAY = 4
"""Ticks from a power blib's first contact with the ship to its blib being eaten (docs/engine.md,
"Solarfox quirks")."""
ITEM_COST = 10
"""Heuristic cells for each item left beyond the nearest: more than a typical flight between
items, so that eating one always looks like progress."""
TICK_WEIGHT = 0.02
"""Priority per tick flown: small, so the search is nearly greedy (fast, longer routes)."""
MAX_FLIGHTS_SEARCHED = 20_000
"""Flights the search may try before it gives up on a level."""


class Shots:
    """Where the sprites that kill the ship on contact are, as each tick's collisions see them.

    ``after(i)`` lists the (x, y) of every enemy and shot after the ``i``-th tick played from
    the start state (0-based); the engine drops shots that have left the level.
    """

    def __init__(self, start: Game) -> None:
        self._game = without_avatar(start)
        self._types = start.compiled.leaf_ids("enemy") + start.compiled.leaf_ids("shot")
        self._after: list[list[tuple[int, int]]] = []

    @property
    def played(self) -> int:
        """Ticks played so far."""
        return len(self._after)

    def after(self, tick: int) -> list[tuple[int, int]]:
        game, types = self._game, self._types
        while len(self._after) <= tick:
            game.step("NIL")
            self._after.append([(s.x, s.y) for tid in types for s in game.dynamic[tid]])
        return self._after[tick]


class Route:
    """A Solarfox level as the route search sees it: the ship's cells, the items and the shots.

    Build it with :meth:`of`, which returns None for a state outside the model: a ship off the
    grid, moving other than a whole divisor of a cell per tick, or a power blib already
    being converted.
    """

    def __init__(self, start: Game) -> None:
        ship = start.avatar
        self.block, self.cols = start.block, start.cols
        self.shots = Shots(start)
        self.step = ship.type.step
        self.skip_first = ship.first_update
        """The ship stays in place on its first update, so the first flight is a tick longer."""
        lethal = cells_of(start, "wall", "enemyground")
        self.free = {c for c in range(start.rows * start.cols) if c not in lethal}
        blibs, powers = cells_of(start, "blib"), cells_of(start, "powerblib")
        self.items = sorted(blibs | powers)
        self.bit = {cell: 1 << i for i, cell in enumerate(self.items)}
        self.delay = {cell: POWER_DELAY if cell in powers else 0 for cell in self.items}
        moves = grid_moves(start.rows, start.cols)
        self.neighbours = {
            cell: [(move, n) for move, n in moves[cell] if n in self.free] for cell in self.free
        }
        self.by_distance = {
            cell: sorted(self.items, key=lambda item: self._distance(cell, item))
            for cell in self.free
        }
        self._first_hit: dict[tuple[int, int, str], int] = {}

    @classmethod
    def of(cls, start: Game) -> Route | None:
        ship, block = start.avatar, start.block
        converting = start.compiled.leaf_ids("powerblibturning")
        if (
            ship.x % block or ship.y % block
            or ship.type.cooldown != 1 or block % ship.type.step
            or any(start.dynamic[tid] for tid in converting)
        ):
            return None
        return cls(start)

    def flight_ticks(self, played: int) -> int:
        """Ticks of a flight that starts after ``played`` ticks."""
        return self.block // self.step + (self.skip_first and played == 0)

    def first_hit(self, played: int, cell: int, move: str) -> int:
        """The first tick of the flight from ``cell`` towards ``move``, starting after
        ``played`` ticks, that ends with the ship on a shot or enemy (counted from 0); the
        flight's length if none does."""
        key = (played, cell, move)
        hit = self._first_hit.get(key)
        if hit is None:
            hit = self._fly(played, cell, move)
            self._first_hit[key] = hit
        return hit

    def _fly(self, played: int, cell: int, move: str) -> int:
        block = self.block
        row, col = divmod(cell, self.cols)
        dx, dy = ACTION_DIRECTIONS[move]
        ticks = self.flight_ticks(played)
        still = ticks - self.block // self.step  # ticks before the ship starts moving
        for tick in range(ticks):
            moved = self.step * max(0, tick + 1 - still)
            x, y = col * block + dx * moved, row * block + dy * moved
            for sx, sy in self.shots.after(played + tick):
                if -block < sx - x < block and -block < sy - y < block:
                    return tick
        return ticks

    def first_contact(self, played: int) -> int:
        """The tick of a flight (from 0) on which the ship first overlaps its target cell."""
        return self.flight_ticks(played) - self.block // self.step

    def nearest(self, cell: int, left: int) -> int:
        """Cells from ``cell`` to the nearest item still in the bit set ``left``."""
        for item in self.by_distance[cell]:
            if left & self.bit[item]:
                return self._distance(cell, item)
        return 0

    def _distance(self, a: int, b: int) -> int:
        (ra, ca), (rb, cb) = divmod(a, self.cols), divmod(b, self.cols)
        return abs(ra - rb) + abs(ca - cb)


class _Node:
    """A state of the search: the ship on ``cell`` after ``played`` ticks with ``left`` items
    (a bit set) to eat, reached by flying ``move`` for ``ticks`` ticks from ``parent``."""

    __slots__ = ("played", "cell", "left", "parent", "move", "ticks")

    def __init__(
        self, played: int, cell: int, left: int, parent: _Node | None, move: str, ticks: int
    ) -> None:
        self.played, self.cell, self.left = played, cell, left
        self.parent, self.move, self.ticks = parent, move, ticks

    def actions(self) -> list[str]:
        flights = []
        node: _Node | None = self
        while node is not None and node.parent is not None:
            flights.append([node.move] + ["NIL"] * (node.ticks - 1))
            node = node.parent
        return [action for flight in reversed(flights) for action in flight]


def plan_route(start: Game, max_ticks: int) -> Plan | None:
    """A winning action sequence from ``start`` that ends by tick ``max_ticks``, found by a
    nearly greedy best-first search over flights; None when the state is outside the model
    (see :meth:`Route.of`)."""
    if game_over(start):
        return Plan(None, True, 0)
    route = Route.of(start)
    if route is None:
        return None
    ship = start.avatar
    horizon = max_ticks - start.tick
    cols = route.cols
    everything = (1 << len(route.items)) - 1
    root = _Node(0, (ship.y // route.block) * cols + ship.x // route.block, everything, None,
                 "NIL", 0)
    serial = itertools.count()
    frontier = [(0.0, next(serial), root)]
    seen = {(root.played, root.cell, root.left)}
    flights = 0
    while frontier and flights < MAX_FLIGHTS_SEARCHED:
        _, _, node = heapq.heappop(frontier)
        ticks = route.flight_ticks(node.played)
        if node.played + ticks > horizon:
            continue
        contact = route.first_contact(node.played)
        for move, target in route.neighbours[node.cell]:
            flights += 1
            hit = route.first_hit(node.played, node.cell, move)
            left = node.left & ~route.bit.get(target, 0)
            if not left:
                win = contact + route.delay[target]
                if hit > win:
                    done = _Node(node.played, target, left, node, move, win + 1)
                    return Plan(done.actions(), False, node.played + win + 1)
            if hit < ticks:
                continue
            child = _Node(node.played + ticks, target, left, node, move, ticks)
            key = (child.played, target, left)
            if key in seen:
                continue
            seen.add(key)
            estimate = ITEM_COST * (left.bit_count() - 1) + route.nearest(target, left)
            priority = estimate + TICK_WEIGHT * child.played
            heapq.heappush(frontier, (priority, next(serial), child))
    return Plan(None, not frontier, route.shots.played)
