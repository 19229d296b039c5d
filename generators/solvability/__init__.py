"""Is a level winnable? A bounded best-first search on the real engine finds a witness.

A level counts as solvable for a seed when a search over :meth:`Game.clone` copies of the state
that ``GVGAIEnv(game, level=level).reset(seed=seed)`` starts from finds a sequence of actions that
wins. The engine is deterministic given the seed and the actions, so the witness replays to the
same win through the Gymnasium environment.

The search itself is generic (:func:`search`); what it knows about a game comes as data, a
:class:`SearchDomain` built per level by the game's entry in :data:`DOMAINS`:

* *options*, the moves of the search: short action sequences, or plans over cells (walk to a
  diamond along a breadth-first path) that the engine plays and checks tick by tick;
* a *heuristic*, estimated ticks to a win (``inf`` prunes a state that can never win);
* a *state key*, so that states reached twice are expanded once.

Frogs and Solarfox levels are first given to a specialised planner (:data:`PLANNERS`), which
plays the avatar's part of each tick against the rest of the world played once beforehand;
its plan counts only once the engine has replayed it to a win.

Run ``python -m gvgai_generators.solvability <game> <index>`` to search one of our levels and store
its witness for seed 0 as ``levels/<game>/lvl<index>.solution.json``.
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gvgai_generators.frogs_timing import plan_crossing
from gvgai_generators.planning import Plan, cells_of, grid_moves
from gvgai_generators.solarfox_route import plan_route
from gvgai_py.engine import Game
from gvgai_py.engine.compiler import ACTION_DIRECTIONS
from gvgai_py.envs import MAX_STEPS, GVGAIEnv, builtin_level_path, start_game
from gvgai_py.level import Level

Option = Callable[[Game], list[str]]
"""Plays some ticks on the game it is given (in place) and returns the action names it played;
an empty list means the option does not apply. It stops as soon as the game ends."""

MOVES = ("LEFT", "RIGHT", "DOWN", "UP")
UNREACHABLE = math.inf
_ITEM_COST = {"boulderdash": 25, "solarfox": 10}
"""Heuristic cost of each item still to collect beyond the nearest one: more than a typical
walk between items, so that taking one always looks like progress to the greedy search."""
_ENEMY_DETOUR = 5
"""Boulderdash: extra ticks guessed for a goal that only enemies keep out of reach now."""
_BOULDER_DETOUR = 30
"""Boulderdash: extra ticks guessed for a goal that boulders wall off (digging around them)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of one search.

    ``actions`` are Gymnasium action indices that win from ``reset(seed=seed)``; ``None`` when
    no win was found. ``exhausted`` says that the search ran out of states to expand (every
    option of every reachable state was tried, which with sound pruning means the level is
    unwinnable by these options) rather than out of budget.
    """

    solvable: bool
    actions: tuple[int, ...] | None
    score: float | None
    """Game score at the win."""
    expanded: int
    """States whose options were played (for a planner, the ticks it searched)."""
    generated: int
    """Option rollouts played on clones."""
    ticks_simulated: int
    """Engine ticks played in all rollouts."""
    seconds: float
    exhausted: bool


@dataclass(frozen=True)
class SearchDomain:
    """What the search knows about one level of one game.

    ``priority = heuristic(state) + tick_weight * ticks played``: a small ``tick_weight`` makes
    the search greedy (fast, long witnesses), a weight of 1 with a heuristic in ticks is A*.
    """

    options: Callable[[Game], Sequence[Option]]
    heuristic: Callable[[Game], float]
    state_key: Callable[[Game], Hashable]
    tick_weight: float


# --------------------------------------------------------------------------------- the search
class _Node:
    """A state of the search: its game (dropped once expanded) and how it was reached."""

    __slots__ = ("game", "parent", "actions")

    def __init__(self, game: Game, parent: _Node | None, actions: list[str]) -> None:
        self.game: Game | None = game
        self.parent = parent
        self.actions = actions

    def path(self) -> list[str]:
        chunks = []
        node: _Node | None = self
        while node is not None:
            chunks.append(node.actions)
            node = node.parent
        return [action for chunk in reversed(chunks) for action in chunk]


def search(
    start: Game,
    domain: SearchDomain,
    max_expansions: int,
    max_ticks: int,
    max_seconds: float | None = None,
) -> Verdict:
    """Best-first search from ``start`` (left untouched) for a state that is won.

    Stops at the first win, or after ``max_expansions`` expanded states, or after
    ``max_seconds`` (only a safety net: a time limit makes results depend on the machine), or
    when no state is left. States that are lost, hopeless, seen before or not won after
    ``max_ticks`` ticks are dropped. Ties in priority go to the earlier-generated state, so
    that the same start and budget give the same witness.
    """
    began = time.perf_counter()
    compiled = start.compiled
    expanded = generated = ticks = serial = 0
    root = _Node(start.clone(), None, [])
    frontier: list[tuple[float, int, _Node]] = [(domain.heuristic(root.game), serial, root)]
    seen = {domain.state_key(root.game)}

    def verdict(won: _Node | None) -> Verdict:
        actions = None if won is None else tuple(compiled.actions.index(a) for a in won.path())
        return Verdict(
            solvable=won is not None,
            actions=actions,
            score=None if won is None else won.game.score,
            expanded=expanded,
            generated=generated,
            ticks_simulated=ticks,
            seconds=time.perf_counter() - began,
            exhausted=won is None and not frontier,
        )

    while frontier:
        if expanded >= max_expansions:
            return verdict(None)
        if max_seconds is not None and time.perf_counter() - began > max_seconds:
            return verdict(None)
        _, _, node = heapq.heappop(frontier)
        expanded += 1
        options = domain.options(node.game)
        for i, option in enumerate(options):
            # The last option may consume the node's own state: nothing reads it afterwards.
            game = node.game if i == len(options) - 1 else node.game.clone()
            played = option(game)
            if not played:
                continue
            generated += 1
            ticks += len(played)
            child = _Node(game, node, played)
            if game.won:
                return verdict(child)
            if game.ended or game.tick >= max_ticks:
                continue
            key = domain.state_key(game)
            if key in seen:
                continue
            seen.add(key)
            estimate = domain.heuristic(game)
            if estimate == UNREACHABLE:
                continue
            serial += 1
            priority = estimate + domain.tick_weight * game.tick
            heapq.heappush(frontier, (priority, serial, child))
        node.game = None  # only the path is needed from an expanded state
    return verdict(None)


def verify(
    level: Level,
    seed: int,
    max_expansions: int = 20_000,
    max_seconds: float | None = None,
) -> Verdict:
    """Search for actions that win ``level`` from ``GVGAIEnv(...).reset(seed=seed)``.

    ``solvable=False`` when the budget runs out (``exhausted=False``) or when every option was
    tried (``exhausted=True``). A witness wins within an episode's ``MAX_STEPS`` steps.

    A game with an entry in :data:`PLANNERS` is planned first, within ``MAX_STEPS`` (the
    budget does not apply); :func:`search` runs only for a level outside the planner's model,
    or if its plan does not win when the engine replays it.
    """
    game = start_game(level, seed)
    planner = PLANNERS.get(level.game)
    if planner is not None:
        verdict = _verify_plan(game, planner, MAX_STEPS)
        if verdict is not None:
            return verdict
    domain = DOMAINS[level.game](game)
    return search(game, domain, max_expansions, MAX_STEPS, max_seconds)


def _verify_plan(start: Game, planner: Planner, max_ticks: int) -> Verdict | None:
    """The verdict of ``planner`` from ``start``, its plan checked on a clone; None when the
    planner does not apply or its plan does not win."""
    began = time.perf_counter()
    plan = planner(start, max_ticks)
    if plan is None:
        return None
    score, actions = None, None
    if plan.actions is not None:
        game = start.clone()
        play_actions(plan.actions)(game)
        if not game.won:
            return None
        score = game.score
        actions = tuple(start.compiled.actions.index(a) for a in plan.actions)
    return Verdict(
        solvable=actions is not None,
        actions=actions,
        score=score,
        expanded=plan.ticks,
        generated=0,
        ticks_simulated=plan.ticks + len(plan.actions or ()),
        seconds=time.perf_counter() - began,
        exhausted=plan.exhausted,
    )


def replay(level: Level, seed: int, actions: Iterable[int]) -> tuple[bool, float]:
    """Play ``actions`` through the Gymnasium environment: (won, final score)."""
    env = GVGAIEnv(level.game, level=level)
    env.reset(seed=seed)
    info = {"won": False, "score": 0.0}
    for action in actions:
        _, _, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            break
    return bool(info["won"]), float(info["score"])


# ------------------------------------------------------------------------ options and grids
def play_actions(actions: Sequence[str]) -> Option:
    """An option that plays ``actions`` (fewer if the game ends first)."""

    def play(game: Game) -> list[str]:
        played = []
        for action in actions:
            game.step(action)
            played.append(action)
            if game.ended:
                break
        return played

    return play


def _facing(game: Game) -> str | None:
    avatar = game.avatar
    for name in MOVES:
        if ACTION_DIRECTIONS[name] == (avatar.dx, avatar.dy):
            return name
    return None


def _oriented_step(game: Game, move: str) -> list[str]:
    """Actions that move an oriented avatar one cell: a turn first unless it faces ``move``."""
    return [move] if _facing(game) == move else [move, move]


def _avatar_cell(game: Game) -> int:
    """The cell under the avatar's centre (the nearest border cell when it is off-screen)."""
    avatar, block = game.avatar, game.block
    half = block // 2
    row = min(max((avatar.y + half) // block, 0), game.rows - 1)
    col = min(max((avatar.x + half) // block, 0), game.cols - 1)
    return row * game.cols + col


def _distances(game: Game, targets: Iterable[int], blocked: set[int]) -> list[float]:
    """Steps from every cell to the nearest target, moving between cells not ``blocked``.

    Returns a flat list of length rows * cols; ``UNREACHABLE`` where no target can be reached.
    Targets count as reachable even when blocked (a door, a diamond under attack).
    """
    moves = grid_moves(game.rows, game.cols)
    distance = [UNREACHABLE] * (game.rows * game.cols)
    frontier = list(targets)
    for target in frontier:
        distance[target] = 0
    steps = 0
    while frontier:
        steps += 1
        reached = []
        for cell in frontier:
            for _, nxt in moves[cell]:
                if distance[nxt] == UNREACHABLE and nxt not in blocked:
                    distance[nxt] = steps
                    reached.append(nxt)
        frontier = reached
    return distance


def _downhill_move(game: Game, distance: list[float], here: int) -> str | None:
    """The move to a neighbour nearer the target (the avatar's facing first); None if none."""
    best, best_distance = None, distance[here]
    facing = _facing(game)
    for move, cell in sorted(grid_moves(game.rows, game.cols)[here], key=lambda m: m[0] != facing):
        if distance[cell] < best_distance:
            best, best_distance = move, distance[cell]
    return best


# -------------------------------------------------------------------------------------- Zelda
def zelda_domain(start: Game) -> SearchDomain:
    """Key, then door. Walls never move, so distances are computed once per level.

    Options: wait, swing the sword, turn, or turn and step. The heuristic is the walking
    distance (key then door); a level whose key or door the walls cut off is pruned at once.
    """
    walls = cells_of(start, "wall")
    doors = cells_of(start, "goal")
    keys = cells_of(start, "key")
    to_door = _distances(start, doors, walls)
    to_key = _distances(start, keys, walls | doors)
    key_to_door = min((to_door[k] for k in keys), default=UNREACHABLE)
    has_key = set(start.compiled.leaf_ids("withkey"))
    enemies = start.compiled.leaf_ids("enemy")

    def heuristic(game: Game) -> float:
        here = _avatar_cell(game)
        if game.avatar.tid in has_key:
            return to_door[here]
        return to_key[here] + key_to_door

    def options(game: Game) -> list[Option]:
        found = [play_actions(["NIL"]), play_actions(["USE"])]
        for move in MOVES:
            found.append(play_actions(_oriented_step(game, move)))
            if _facing(game) != move:
                found.append(play_actions([move]))
        return found

    def state_key(game: Game) -> Hashable:
        avatar = game.avatar
        monsters = sorted((s.x, s.y) for tid in enemies for s in game.dynamic[tid])
        return (game.tick, avatar.tid, avatar.x, avatar.y, avatar.dx, avatar.dy, tuple(monsters))

    # Paths are short: some patience lets the search wait for a monster to move off them.
    return SearchDomain(options, heuristic, state_key, tick_weight=0.2)


# -------------------------------------------------------------------------------------- Frogs
def frogs_domain(start: Game) -> SearchDomain:
    """Cross road and river by timing: every primitive action, states keyed by tick.

    Logs and trucks do not depend on the frog, so (tick, position) is the whole state. The
    heuristic is the walking distance to the goal around the trees. :func:`verify` plans
    Frogs levels with :func:`generators.frogs_timing.plan_crossing` first, so this search only
    sees levels outside that planner's model.
    """
    to_goal = _distances(start, cells_of(start, "goal"), cells_of(start, "wall"))
    actions = start.compiled.actions

    def heuristic(game: Game) -> float:
        return to_goal[_avatar_cell(game)]

    def options(game: Game) -> list[Option]:
        return [play_actions([action]) for action in actions]

    def state_key(game: Game) -> Hashable:
        return (game.tick, game.avatar.x, game.avatar.y)

    # Nearly greedy: waiting on the best bank cell for a log beats widening to every cell.
    return SearchDomain(options, heuristic, state_key, tick_weight=0.01)


# -------------------------------------------------------------------------------- Boulderdash
def boulderdash_domain(start: Game, diamonds_needed: int = 9, nearest: int = 4) -> SearchDomain:
    """Diamonds first, then the exit.

    Options: walk to one of the ``nearest`` diamonds (or to the exit once ``diamonds_needed``
    are held), re-planning every tick around boulders, the cells they can fall through and the
    enemies' reach; plus every primitive action, for the careful moves a walk gets wrong.
    The heuristic counts diamonds still needed plus walking distances, with a penalty for goals
    that enemies or boulders cut off for now. Only walls are forever: a level is hopeless when
    the exit, or fewer diamonds than needed (butterflies included, since a crab turns one into a
    diamond), can be reached through non-wall cells.
    """
    compiled = start.compiled
    walls = cells_of(start, "wall")
    support_types = [t for name in ("dirt", "wall", "diamond") for t in compiled.leaf_ids(name)]
    falling_or_walking = compiled.leaf_ids("boulder") + compiled.leaf_ids("enemy")
    actions = compiled.actions
    rows, cols = start.rows, start.cols
    moves = grid_moves(rows, cols)
    ever_reachable = _distances(start, [_avatar_cell(start)], walls)

    def held(game: Game) -> int:
        return game.avatar.resources.get("diamond", 0)

    def hazards(game: Game) -> tuple[set[int], set[int]]:
        """(boulders and the empty cells below them they will fall through, enemies and the
        cells next to them)."""
        static_support = [game.cells[t] for t in support_types]
        boulders = cells_of(game, "boulder")
        falls = set(boulders)
        for cell in boulders:
            below = cell + cols
            while below < rows * cols and below not in boulders and not any(
                below in cells for cells in static_support
            ):
                falls.add(below)
                below += cols
        near_enemies = set()
        for cell in cells_of(game, "enemy"):
            near_enemies.add(cell)
            near_enemies.update(n for _, n in moves[cell])
        return falls, near_enemies

    def danger(game: Game) -> set[int]:
        falls, near_enemies = hazards(game)
        return walls | falls | near_enemies

    def targets(game: Game) -> set[int]:
        if held(game) >= diamonds_needed:
            return cells_of(game, "exitdoor")
        return cells_of(game, "diamond")

    def walk_to(target: int, limit: int) -> Option:
        def walk(game: Game) -> list[str]:
            played: list[str] = []
            while len(played) < limit and _avatar_cell(game) != target:
                distance = _distances(game, [target], danger(game))
                move = _downhill_move(game, distance, _avatar_cell(game))
                if move is None:
                    break
                played += play_actions(_oriented_step(game, move))(game)
                if game.ended:
                    break
            return played

        return walk

    def options(game: Game) -> list[Option]:
        distance = _distances(game, [_avatar_cell(game)], danger(game))
        reachable = sorted((distance[t], t) for t in targets(game) if distance[t] < UNREACHABLE)
        walks = [walk_to(t, 3 * int(d) + 6) for d, t in reachable[:nearest]]
        return walks + [play_actions([action]) for action in actions]

    def heuristic(game: Game) -> float:
        exits = cells_of(game, "exitdoor")
        needed = max(0, diamonds_needed - held(game))
        possible = cells_of(game, "diamond", "butterfly") if needed else set()
        if (
            not any(ever_reachable[e] < UNREACHABLE for e in exits)
            or sum(ever_reachable[c] < UNREACHABLE for c in possible) < needed
        ):
            return UNREACHABLE
        here = _avatar_cell(game)
        falls, near_enemies = hazards(game)
        safe = _distances(game, [here], walls | falls | near_enemies)
        past_enemies: list[float] = []

        def walk_estimate(goal: int) -> float:
            if safe[goal] < UNREACHABLE:
                return safe[goal]
            if not past_enemies:
                past_enemies.extend(_distances(game, [here], walls | falls))
            if past_enemies[goal] < UNREACHABLE:
                return past_enemies[goal] + _ENEMY_DETOUR
            (row, col), (goal_row, goal_col) = divmod(here, cols), divmod(goal, cols)
            return _BOULDER_DETOUR + abs(row - goal_row) + abs(col - goal_col)

        to_exit = min(map(walk_estimate, exits))
        if not needed:
            return to_exit
        # The exit distance is counted while diamonds are still needed too, so that taking
        # the last one never looks like a step back.
        # With no diamond left, only a crab meeting a butterfly can make one.
        nearest_diamond = min(map(walk_estimate, cells_of(game, "diamond") or possible))
        return _ITEM_COST["boulderdash"] * (needed - 1) + nearest_diamond + to_exit

    def state_key(game: Game) -> Hashable:
        avatar = game.avatar
        movers = tuple((s.tid, s.x, s.y) for tid in falling_or_walking for s in game.dynamic[tid])
        dirt = frozenset(cells_of(game, "dirt"))
        return (avatar.x, avatar.y, avatar.dx, avatar.dy, held(game), dirt, movers)

    return SearchDomain(options, heuristic, state_key, tick_weight=0.05)


# ----------------------------------------------------------------------------------- Solarfox
def solarfox_domain(start: Game) -> SearchDomain:
    """Visit every blib. The ship never stops and crosses a cell in ``block`` ticks.

    :func:`verify` plans Solarfox levels with :func:`generators.solarfox_route.plan_route`
    first, which flies the same flights against precomputed shots; this search only sees
    states outside that planner's model, or a plan the engine did not confirm.

    Options: steer one way and fly on until the ship is on a cell again, so the search moves
    over cells; passing through a powerblib keeps contact long enough to convert and eat it.
    The heuristic counts what is left plus the grid distance to the nearest of it.
    """
    cols = start.cols

    def remaining(game: Game) -> set[int]:
        return cells_of(game, "blib", "powerblib")

    def fly(move: str) -> Option:
        def play(game: Game) -> list[str]:
            played = [move]
            game.step(move)
            avatar, block = game.avatar, game.block
            while not game.ended and (avatar.x % block or avatar.y % block):
                game.step("NIL")
                played.append("NIL")
            return played

        return play

    flights = [fly(move) for move in MOVES]

    def options(game: Game) -> list[Option]:
        return flights

    def heuristic(game: Game) -> float:
        left = remaining(game)
        if not left:
            return 0.0
        row, col = divmod(_avatar_cell(game), cols)
        nearest = min(abs(row - r) + abs(col - c) for r, c in (divmod(i, cols) for i in left))
        return _ITEM_COST["solarfox"] * (len(left) - 1) + nearest

    def state_key(game: Game) -> Hashable:
        avatar = game.avatar
        return (avatar.x, avatar.y, avatar.dx, avatar.dy, frozenset(remaining(game)))

    return SearchDomain(options, heuristic, state_key, tick_weight=0.02)


Planner = Callable[[Game, int], Plan | None]
"""Plans a win from a state within a tick limit, without :func:`search`; None when the level
is outside what it models."""
PLANNERS: dict[str, Planner] = {"frogs": plan_crossing, "solarfox": plan_route}
"""Games whose levels a specialised planner decides before any search."""

DOMAINS: dict[str, Callable[[Game], SearchDomain]] = {
    "zelda": zelda_domain,
    "frogs": frogs_domain,
    "boulderdash": boulderdash_domain,
    "solarfox": solarfox_domain,
}
"""How to search each game, built from the level's starting state."""


# ------------------------------------------------------------------------ storing witnesses
def solution_path(game: str, index: int) -> Path:
    """Where the seed-0 witness of one of our levels is stored."""
    return builtin_level_path(game, index).with_suffix(".solution.json")


def write_solution(game: str, index: int, max_expansions: int) -> Verdict:
    """Search our level ``index`` of ``game`` for seed 0 and store the witness if found."""
    level = Level.from_file(builtin_level_path(game, index), game)
    verdict = verify(level, seed=0, max_expansions=max_expansions)
    if verdict.solvable:
        record = {
            "game": game,
            "level": index,
            "seed": 0,
            "actions": list(verdict.actions),
            "score": verdict.score,
        }
        solution_path(game, index).write_text(json.dumps(record) + "\n")
    return verdict


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=write_solution.__doc__)
    parser.add_argument("game", choices=sorted(DOMAINS))
    parser.add_argument("index", type=int)
    parser.add_argument("--max-expansions", type=int, default=20_000)
    args = parser.parse_args(argv)
    verdict = write_solution(args.game, args.index, args.max_expansions)
    found = f"{len(verdict.actions)} actions" if verdict.solvable else "no witness"
    effort = f"{verdict.expanded} states, {verdict.seconds:.1f} s"
    print(f"{args.game} lvl{args.index}: {found} ({effort})")
    return 0 if verdict.solvable else 1


if __name__ == "__main__":
    raise SystemExit(main())
