"""Frogs: plan a crossing against the precomputed motion of logs and trucks.

Nothing the frog does changes the rest of a Frogs level: logs and trucks move by themselves,
spawners draw from the game's random stream (which the frog never touches), and the only
sprite the frog can remove is the goal, which ends the game. So the world is played once,
tick by tick, without the frog (:class:`World`), and a breadth-first search over (tick, frog
position) plays only the frog's part of each tick against it, in the engine's order
(docs/engine.md, "One tick" and "Frogs quirks"):

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

from gvgai_generators.planning import Plan, cells_of, game_over, without_avatar
from gvgai_py.engine import Game
from gvgai_py.engine.compiler import ACTION_DIRECTIONS

Position = tuple[int, int]
"""The frog's (x, y) in pixels."""


class World:
    """Logs and trucks of a Frogs game as the collisions of each tick see them.

    Tick ``t`` counts from the start state. ``logs(t)`` lists (x, y) for every log present
    when tick ``t``'s collisions run, logs killed at the edge that tick included (the engine
    still matches them); ``pulling(t)``, those that moved in the tick (the same list when all
    did); ``trucks(t)`` lists (x, y) after the tick's moves and wraps.
    """

    def __init__(self, start: Game) -> None:
        compiled = start.compiled
        self._game = without_avatar(start)
        self._log_types = compiled.leaf_ids("log")
        self._truck_types = compiled.leaf_ids("truck")
        self._logs: list[list[tuple[int, int]]] = []
        self._pulling: list[list[tuple[int, int]]] = []
        self._trucks: list[list[tuple[int, int]]] = []
        self.pull_steps = {compiled.types[tid].step for tid in self._log_types}
        """Pixels a log moves per move (one value in Frogs: every log has the same speed)."""
        self.pull_directions = {compiled.types[tid].orientation for tid in self._log_types}

    def logs(self, tick: int) -> list[tuple[int, int]]:
        self._play_until(tick)
        return self._logs[tick]

    def pulling(self, tick: int) -> list[tuple[int, int]]:
        self._play_until(tick)
        return self._pulling[tick]

    def trucks(self, tick: int) -> list[tuple[int, int]]:
        self._play_until(tick)
        return self._trucks[tick]

    def _play_until(self, tick: int) -> None:
        game, dynamic = self._game, self._game.dynamic
        log_types, truck_types = self._log_types, self._truck_types
        while len(self._logs) <= tick:
            before = [s for tid in log_types for s in dynamic[tid]]
            game.step("NIL")
            # Logs killed this tick are gone from ``dynamic`` but keep their last position.
            logs = [s for tid in log_types for s in dynamic[tid]]
            logs += [s for s in before if s.killed]
            at = [(s.x, s.y) for s in logs]
            still = [s for s in logs if s.x == s.last_x and s.y == s.last_y]  # spawned
            self._logs.append(at)
            self._pulling.append([(s.x, s.y) for s in logs if s not in still] if still else at)
            self._trucks.append([(s.x, s.y) for tid in truck_types for s in dynamic[tid]])


class _Board:
    """Sets of frog positions as the bits of one integer, a bit per (row, x) for x in
    [-block, width - block], so that whole sets are shifted, intersected and joined at once.

    Bit ``row * stride + x + block`` stands for the frog at (x, row * block). Unused guard
    bits, more than any shift along a row, separate the rows, so that no shift carries a
    position into another row; :meth:`moved` clears them again.

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

    def moved(self, board: int, offset: int) -> int:
        """The positions of ``board`` moved by ``offset`` bits (rows * stride + pixels)."""
        if offset > 0:
            return (board << offset) & self.valid
        if offset < 0:
            return (board >> -offset) & self.valid
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


Hazards = tuple[int, int, int, int]
"""One tick's boards: (on a log, on a log that moved, on a truck, dead if it ends the tick
there shielded by the logs there only: on a truck, or in water off every log)."""


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
        self.moves: list[tuple[str, int, int]] = []
        """(action, bits the frog's position moves by, the positions from which that move
        lands fully on screen); elsewhere the move is stepped back at once."""
        for action in start.compiled.actions:
            dx, dy = ACTION_DIRECTIONS[action]
            offset = dy * board.stride + dx * stride
            self.moves.append((action, offset, board.moved(board.on_screen, -offset)))
        self._hazards: list[Hazards] = []

    @classmethod
    def of(cls, start: Game) -> Crossing | None:
        frog = start.avatar
        world = World(start)
        pulls = {(dx * step, dy * step) for step in world.pull_steps
                 for dx, dy in world.pull_directions}
        rows = [frog.y, *(y for _, y in world.logs(0)), *(y for _, y in world.trucks(0))]
        if len(pulls) > 1 or any(dx > 0 or dy for dx, dy in pulls):
            return None
        if any(y % start.block for y in rows):
            return None
        return cls(start, world, next(iter(pulls), (0, 0))[0])

    def hazards(self, tick: int) -> Hazards:
        """Where logs and trucks are when tick ``tick``'s collisions run, as boards."""
        while len(self._hazards) <= tick:
            t = len(self._hazards)
            touching, world = self.board.touching_sprites, self.world
            logs, moved = world.logs(t), world.pulling(t)
            on_log = touching(logs)
            pulling = on_log if moved is logs else touching(moved)
            truck = touching(world.trucks(t))
            self._hazards.append((on_log, pulling, truck, truck | (self.water & ~on_log)))
        return self._hazards[tick]

    def play(self, tick: int, move: int, sources: int) -> tuple[int, int]:
        """Play ``self.moves[move]`` in tick ``tick`` from every position of ``sources``: (the
        sources from which it touches the goal, the positions it leaves the frog alive at)."""
        on_log, pulling, truck, death = self.hazards(tick)
        goal, wall = self.goal, self.wall
        shift = self.board.moved
        _, offset, inside = self.moves[move]
        if not offset:  # no move: stay, or ride a log that moved
            wins = sources & goal
            rest = sources & ~goal
            alive = rest & ~pulling & ~death
            pulled = rest & pulling
            if pulled:  # shielded by the log that pulls it, wherever a wall leaves it
                landed = shift(pulled, self.pull)
                alive |= landed & ~wall & ~truck
                alive |= shift(landed & wall, -self.pull) & ~truck
            return wins, alive
        stuck = sources & ~inside
        landed = shift(sources & inside, offset)
        wins = shift(landed & goal, -offset) or stuck & goal
        landed &= ~goal
        alive = landed & ~wall & ~death | stuck & ~goal & ~death
        blocked = landed & wall
        if blocked:  # stepped back, shielded only by a log where the move landed
            shield = shift(blocked & on_log, -offset)
            alive |= shift(blocked, -offset) & ~(truck | self.water & ~shield)
        return wins, alive

    def tick(self, tick: int, frontier: int) -> tuple[tuple[str, int] | None, int]:
        """Play tick ``tick`` from every position of ``frontier``: (the first action that
        touches the goal and the positions it does so from, or None; every position the frog
        can be alive at after the tick)."""
        won = None
        reached = 0
        for move, (action, _, _) in enumerate(self.moves):
            wins, alive = self.play(tick, move, frontier)
            if wins and won is None:
                won = action, wins
            reached |= alive
        return won, reached

    def walk_back(self, frontiers: list[int], at: int) -> list[str]:
        """The actions that lead from the start, through ``frontiers`` (the positions of each
        tick before), to the position ``at``; of several, the first actions in ``moves``."""
        plan = []
        for tick in reversed(range(len(frontiers))):
            action, at = self._step_to(tick, frontiers[tick], at)
            plan.append(action)
        return plan[::-1]

    def _step_to(self, tick: int, frontier: int, at: int) -> tuple[str, int]:
        """The first action, and the position of ``frontier`` it starts from, that leaves the
        frog alive at ``at`` after tick ``tick``."""
        shift = self.board.moved
        for move, (action, offset, _) in enumerate(self.moves):
            for source in (shift(at, -(offset or self.pull)), at):  # moved or stepped back
                if source & frontier and self.play(tick, move, source)[1] & at:
                    return action, source
        raise AssertionError("a position the frog reached has no way in")


def plan_crossing(start: Game, max_ticks: int) -> Plan | None:
    """The winning action sequence from ``start`` with the fewest ticks, ending by tick
    ``max_ticks``; None when the level is outside the model (see :meth:`Crossing.of`)."""
    if game_over(start):
        return Plan(None, True, 0)
    crossing = Crossing.of(start)
    if crossing is None:
        return None
    frontier = crossing.start
    frontiers: list[int] = []
    horizon = max_ticks - start.tick
    for tick in range(horizon):
        won, reached = crossing.tick(tick, frontier)
        if won:
            action, sources = won
            plan = crossing.walk_back(frontiers, sources & -sources)
            return Plan([*plan, action], False, tick + 1)
        frontiers.append(frontier)
        frontier = reached
        if not frontier:
            return Plan(None, True, tick + 1)
    return Plan(None, False, horizon)


def reachable(start: Game, ticks: int) -> list[set[Position]] | None:
    """Where the frog can be alive after each of the next ``ticks`` ticks (as modelled;
    None for a level outside the model). For checking the model against the engine."""
    crossing = Crossing.of(start)
    if crossing is None:
        return None
    frontier, found = crossing.start, []
    for tick in range(ticks):
        frontier = crossing.tick(tick, frontier)[1]
        found.append(crossing.board.positions(frontier))
    return found
