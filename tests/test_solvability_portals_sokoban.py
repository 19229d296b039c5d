"""The search domains of Portals and Sokoban (:mod:`gvgai_generators.solvability.portals`,
:mod:`~gvgai_generators.solvability.sokoban`): their distances on tiny levels, the states they
prune, and witnesses that win on the real engine."""

from __future__ import annotations

import math

from helpers import make_game, play, sprites_of

from gvgai_generators.planning import cells_of
from gvgai_generators.solvability import portals, search, sokoban
from gvgai_py.engine import Game
from gvgai_py.games.portals import PORTALS
from gvgai_py.games.sokoban import SOKOBAN

INF = math.inf


def searched(game: Game, domain, max_expansions: int = 2_000):
    return search(game, domain(game), max_expansions, max_ticks=200)


def replayed(description, drawing: str, verdict) -> Game:
    game = make_game(description, drawing)
    play(game, [game.compiled.actions[a] for a in verdict.actions])
    return game


def test_push_distances_count_pushes_and_mark_dead_cells():
    game = make_game(
        SOKOBAN,
        """
        wwwwwww
        w0...Aw
        w.....w
        wwwwwww
        """,
    )
    distance = sokoban.push_distances(
        game.rows, game.cols, cells_of(game, "hole"), cells_of(game, "wall")
    )
    row1, row2 = distance[7:14], distance[14:21]
    # A box on the right end cannot be pushed left (a wall where the avatar would stand), and
    # one on the lower row can never be pushed up (no room below it).
    assert row1 == [INF, 0, 1, 2, 3, INF, INF]
    assert row2 == [INF] * 7


SHARED_HOLE = """
    wwwwwww
    wA1.0.w
    w...1.w
    w.....w
    wwwwwww
    """


def test_one_hole_takes_every_box_and_the_witness_wins():
    verdict = searched(make_game(SOKOBAN, SHARED_HOLE), sokoban.domain)
    assert verdict.solvable
    game = replayed(SOKOBAN, SHARED_HOLE, verdict)
    assert game.won and game.score == 2
    assert len(sprites_of(game, "hole")) == 1


def test_a_box_in_a_corner_is_pruned_at_once():
    game = make_game(
        SOKOBAN,
        """
        wwwwww
        w1..0w
        w..A.w
        wwwwww
        """,
    )
    verdict = searched(game, sokoban.domain)
    assert not verdict.solvable and verdict.exhausted
    assert verdict.expanded == 1


def test_a_box_cannot_push_another_so_two_in_a_corridor_stay_short_of_the_hole():
    game = make_game(
        SOKOBAN,
        """
        wwwwwww
        wA1.10w
        wwwwwww
        """,
    )
    verdict = searched(game, sokoban.domain)
    assert not verdict.solvable and verdict.exhausted


TELEPORT = """
    wwwwwwwww
    wA++iw+gw
    w++++wo+w
    w+o++w++w
    wwwwwwwww
    """


def test_steps_to_goal_go_through_the_nearest_exit_of_an_entry():
    game = make_game(PORTALS, TELEPORT)
    distance = portals.steps_to_goal(game)

    def at(row: int, col: int) -> float:
        return distance[row * game.cols + col]

    assert at(2, 6) == 2  # the exit beside the goal
    assert at(1, 3) == at(2, 4) == 3  # one step into the entry, out at that exit
    assert at(1, 1) == 5
    # The other exit lands back in the first room: its way out is the entry again.
    assert at(3, 2) == 6
    assert at(1, 4) == at(1, 5) == INF  # the entry itself and a wall


def test_a_goal_no_portal_leads_to_is_pruned_at_once():
    game = make_game(
        PORTALS,
        """
        wwwwwwwww
        wA++iw+gw
        w++++w++w
        w+o++w++w
        wwwwwwwww
        """,
    )
    verdict = searched(game, portals.domain)
    assert not verdict.solvable and verdict.exhausted
    assert verdict.expanded == 1


def test_the_portals_witness_teleports_to_the_goal_room_and_wins():
    verdict = searched(make_game(PORTALS, TELEPORT), portals.domain)
    assert verdict.solvable
    game = replayed(PORTALS, TELEPORT, verdict)
    assert game.won and game.score == 1
    assert game.avatar.x > 5 * game.block  # in the goal room, beyond the wall
