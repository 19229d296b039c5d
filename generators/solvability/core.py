"""The game-independent search: a bounded best-first search over :meth:`Game.clone` copies.

What the search knows about a game comes as a :class:`SearchDomain` (options, heuristic, state
key); it returns a :class:`Verdict`, whose actions replay through the Gymnasium environment
(:func:`replay`).
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from gvgai_generators.grid import UNREACHABLE
from gvgai_py.engine import Game
from gvgai_py.envs import GVGAIEnv
from gvgai_py.level import Level

Option = Callable[[Game], list[str]]
"""Plays some ticks on the game it is given (in place) and returns the action names it played;
an empty list means the option does not apply. It stops as soon as the game ends."""

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
    A heuristic of ``UNREACHABLE`` (infinity) says that the state can never win: it is dropped.
    """

    options: Callable[[Game], Sequence[Option]]
    heuristic: Callable[[Game], float]
    state_key: Callable[[Game], Hashable]
    tick_weight: float


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
