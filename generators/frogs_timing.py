"""Frogs: plan a crossing against the precomputed motion of logs and trucks.

Nothing the frog does changes the rest of a Frogs level: logs and trucks move by themselves,
spawners draw from the game's random stream (which the frog never touches), and the only
sprite the frog can remove is the goal, which ends the game. So the world is played once,
tick by tick, without the frog (:class:`World`), and a breadth-first search over (tick, frog
position) plays only the frog's part of each tick against it, in the engine's order
(RULES A3, C3, C6):

1. the action moves the frog one cell;
2. a frog partly off-screen steps back to where the tick began;
3. touching the goal wins (even if the frog dies in the same tick: the goal's termination is
   checked first);
4. logs it overlaps shield it from water this tick, and unless it moved by itself a log that
   moved this tick pulls it along;
5. a wall it overlaps steps it back to where the tick began;
6. a truck it overlaps kills it, and so does water unless shielded.

Positions are pixels, because riding a log leaves the frog between cells. The search keeps,
for every tick, the set of positions the frog can be alive at as the bits of one integer
(:class:`_Board`) and advances all of them at once with shifts and masks, so a tick costs
about the same whatever the number of positions; a search that clones the game for every
move pays for every log and truck again with each clone. The model is checked, not trusted:
:func:`generators.solvability.verify` replays the plan on the engine and counts only a win.
"""

from __future__ import annotations

import numpy as np

from generators.planning import Plan, cells_of, game_over, without_avatar
from gvgai_py.engine import Game
from gvgai_py.engine.compiler import ACTION_DIRECTIONS

Position = tuple[int, int]
"""The frog's (x, y) in pixels."""


class World:
    """Logs and trucks of a Frogs game as the collisions of each tick see them.

    Tick ``t`` counts from the start state. ``logs(t)`` lists (x, y, moved) for every log
    present when tick ``t``'s collisions run, logs killed at the edge that tick included (the
    engine still matches them); ``trucks(t)`` lists (x, y) after the tick's moves and wraps.
    """

    def __init__(self, start: Game) -> None:
        compiled = start.compiled
        self._game = without_avatar(start)
        self._log_types = compiled.leaf_ids("log")
        self._truck_types = compiled.leaf_ids("truck")
        self._logs: list[list[tuple[int, int, bool]]] = []
        self._trucks: list[list[tuple[int, int]]] = []
        self.pull_steps = {compiled.types[tid].step for tid in self._log_types}
        """Pixels a log moves per move (one value in Frogs: every log has the same speed)."""
        self.pull_directions = {compiled.types[tid].orientation for tid in self._log_types}

    def logs(self, tick: int) -> list[tuple[int, int, bool]]:
        self._play_until(tick)
        return self._logs[tick]

    def trucks(self, tick: int) -> list[tuple[int, int]]:
        self._play_until(tick)
        return self._trucks[tick]

    def _play_until(self, tick: int) -> None:
        game = self._game
        while len(self._logs) <= tick:
            before = [s for tid in self._log_types for s in game.dynamic[tid]]
            game.step("NIL")
            # Logs killed this tick are gone from ``dynamic`` but keep their last position;
            # logs spawned this tick are new in it.
            known = set(map(id, before))
            now = [s for tid in self._log_types for s in game.dynamic[tid]]
            logs = before + [s for s in now if id(s) not in known]
            self._logs.append([(s.x, s.y, s.x != s.last_x or s.y != s.last_y) for s in logs])
            trucks = [s for tid in self._truck_types for s in game.dynamic[tid]]
            self._trucks.append([(s.x, s.y) for s in trucks])


class _Board:
    """Sets of frog positions as the bits of one integer, a bit per (row, x) for x in
    [-block, width - block], so that whole sets are shifted, intersected and joined at once.

    Bit ``row * stride + x + block`` stands for the frog at (x, row * block). Unused guard
    bits, more than any shift along a row, separate the rows, so that no shift carries a
    position into another row; :meth:`shifted` clears them again.

    A frog more than a cell off-screen can never come back (a move of one cell still ends
    partly off-screen and is stepped back, and logs only carry it further left), nor can it
    touch the goal, so those positions are dropped.
    """

    def __init__(self, start: Game, widest_shift: int) -> None:
        self.block = start.block
        self.rows = start.rows
        self.width = start.width_px + 1
        self.stride = self.width + widest_shift + 1
        row = (1 << self.width) - 1
        off_screen = (1 << self.block) - 1
        self.valid = sum(row << (r * self.stride) for r in range(self.rows))
        left_of_screen = sum(off_screen << (r * self.stride) for r in range(self.rows))
        self.on_screen = self.valid & ~left_of_screen
        self._touching: dict[Position, int] = {}
        """Memo of :meth:`_touching_square`: logs and trucks pass the same places again."""
        x = np.arange(-self.block, start.width_px - self.block + 1)
        self._left = x // self.block
        self._right = np.where(x % self.block == 0, self._left, self._left + 1)

    def bit(self, position: Position) -> int:
        x, y = position
        return 1 << (y // self.block * self.stride + x + self.block)

    def positions(self, board: int) -> set[Position]:
        found = set()
        while board:
            lowest = board & -board
            row, i = divmod(lowest.bit_length() - 1, self.stride)
            found.add((i - self.block, row * self.block))
            board ^= lowest
        return found

    def shifted(self, board: int, rows: int, xs: int) -> int:
        """The positions (x, y) with (x + xs, y + rows * block) in ``board``."""
        offset = rows * self.stride + xs
        if offset > 0:
            return (board >> offset) & self.valid
        if offset < 0:
            return (board << -offset) & self.valid
        return board

    def touching_cells(self, cells: set[int], cols: int) -> int:
        """Where the frog overlaps one of ``cells`` (flat row * cols + col indices)."""
        grid = np.zeros((self.rows, cols + 2), bool)  # a False column on each side
        for cell in cells:
            grid[cell // cols, cell % cols + 1] = True
        touching = np.zeros((self.rows, self.stride), bool)
        touching[:, : self.width] = grid[:, self._left + 1] | grid[:, self._right + 1]
        return int.from_bytes(np.packbits(touching, bitorder="little").tobytes(), "little")

    def touching_sprites(self, sprites: list[tuple[int, int]]) -> int:
        """Where the frog overlaps one of the row-aligned squares at ``sprites``' (x, y)."""
        found = 0
        touching = self._touching
        for position in sprites:
            board = touching.get(position)
            if board is None:
                board = touching[position] = self._touching_square(*position)
            found |= board
        return found

    def _touching_square(self, x: int, y: int) -> int:
        lo, hi = max(x + 1, 0), min(x + 2 * self.block, self.width)  # |frog x - x| < block
        if lo >= hi:
            return 0
        return ((1 << (hi - lo)) - 1) << (y // self.block * self.stride + lo)


Moves = list[tuple[str, int, int, int]]
"""(action, rows, xs, sources): from every position of the board ``sources`` the action left
the frog alive, (rows, xs) away."""


class Crossing:
    """The frog's part of each tick (the module docstring's steps), over all positions at once.

    Build it with :meth:`of`, which returns None for a level outside the model: a frog, log or
    truck between rows, or logs of several speeds or moving other than left.
    """

    def __init__(self, start: Game, world: World, pull: int) -> None:
        self.world = world
        stride = start.avatar.type.step
        self.board = board = _Board(start, widest_shift=max(stride, abs(pull)))
        self.pull = pull
        self.start = board.bit((start.avatar.x, start.avatar.y))

        def touching(name: str) -> int:
            return board.touching_cells(cells_of(start, name), start.cols)

        self.goal, self.wall, self.water = touching("goal"), touching("wall"), touching("water")
        self.moves = []
        for action in start.compiled.actions:
            dx, dy = ACTION_DIRECTIONS[action]
            # Where the move lands fully on screen; elsewhere it is stepped back at once.
            inside = board.shifted(board.on_screen, dy, dx * stride) if dx or dy else None
            self.moves.append((action, dy, dx * stride, inside))

    @classmethod
    def of(cls, start: Game) -> Crossing | None:
        frog = start.avatar
        world = World(start)
        pulls = {(dx * step, dy * step) for step in world.pull_steps
                 for dx, dy in world.pull_directions}
        rows = [frog.y, *(y for _, y, _ in world.logs(0)), *(y for _, y in world.trucks(0))]
        if len(pulls) > 1 or any(dx > 0 or dy for dx, dy in pulls):
            return None
        if any(y % start.block for y in rows):
            return None
        return cls(start, world, next(iter(pulls), (0, 0))[0])

    def tick(self, tick: int, frontier: int) -> tuple[Moves, Moves]:
        """Play tick ``tick`` from every position of ``frontier``: (the moves that touch the
        goal, the moves that leave the frog alive)."""
        board, world = self.board, self.world
        shifted = board.shifted
        logs = world.logs(tick)
        on_log = board.touching_sprites([(x, y) for x, y, _ in logs])
        pulling = board.touching_sprites([(x, y) for x, y, moved in logs if moved])
        truck = board.touching_sprites(world.trucks(tick))
        won: Moves = []
        survived: Moves = []
        for action, rows, xs, inside in self.moves:
            if inside is None:  # no move: stay, or ride a log that moved
                landings = [(0, 0, frontier, on_log, pulling)]
            else:
                landings = [
                    (rows, xs, frontier & inside, shifted(on_log, rows, xs), None),
                    (0, 0, frontier & ~inside, on_log, None),
                ]
            for rows_, xs_, sources, shield, pulled in landings:
                if not sources:
                    continue
                at_goal = sources & shifted(self.goal, rows_, xs_)
                if at_goal:
                    won.append((action, rows_, xs_, at_goal))
                ends = [(rows_, xs_, sources & ~at_goal)]
                if pulled is not None:
                    ends = [(0, self.pull, ends[0][2] & pulled), (0, 0, ends[0][2] & ~pulled)]
                for end_rows, end_xs, end_sources in ends:
                    blocked = shifted(self.wall, end_rows, end_xs)
                    for final_rows, final_xs, group in (
                        (end_rows, end_xs, end_sources & ~blocked),
                        (0, 0, end_sources & blocked),
                    ):
                        if not group:
                            continue
                        death = shifted(truck, final_rows, final_xs) | (
                            shifted(self.water, final_rows, final_xs) & ~shield
                        )
                        alive = group & ~death
                        if alive:
                            survived.append((action, final_rows, final_xs, alive))
        return won, survived

    def next_frontier(self, survived: Moves) -> int:
        reached = 0
        for _, rows, xs, alive in survived:
            reached |= self.board.shifted(alive, -rows, -xs)
        return reached


def plan_crossing(start: Game, max_ticks: int) -> Plan | None:
    """The winning action sequence from ``start`` with the fewest ticks, ending by tick
    ``max_ticks``; None when the level is outside the model (see :meth:`Crossing.of`)."""
    if game_over(start):
        return Plan(None, True, 0)
    crossing = Crossing.of(start)
    if crossing is None:
        return None
    frontier = crossing.start
    layers: list[Moves] = []
    horizon = max_ticks - start.tick
    for tick in range(horizon):
        won, survived = crossing.tick(tick, frontier)
        if won:
            action, _, _, sources = won[0]
            plan = _walk_back(crossing.board, layers, action, sources)
            return Plan(plan, False, tick + 1)
        frontier = crossing.next_frontier(survived)
        if not frontier:
            return Plan(None, True, tick + 1)
        layers.append(survived)
    return Plan(None, False, horizon)


def reachable(start: Game, ticks: int) -> list[set[Position]] | None:
    """Where the frog can be alive after each of the next ``ticks`` ticks (as modelled;
    None for a level outside the model). For checking the model against the engine."""
    crossing = Crossing.of(start)
    if crossing is None:
        return None
    frontier, found = crossing.start, []
    for tick in range(ticks):
        frontier = crossing.next_frontier(crossing.tick(tick, frontier)[1])
        found.append(crossing.board.positions(frontier))
    return found


def _walk_back(board: _Board, layers: list[Moves], action: str, sources: int) -> list[str]:
    """The actions that lead to the lowest position of ``sources``, then ``action``."""
    at = sources & -sources
    plan = [action]
    for survived in reversed(layers):
        for previous, rows, xs, alive in survived:
            before = board.shifted(at, rows, xs)
            if before & alive:
                plan.append(previous)
                at = before
                break
    return plan[::-1]
