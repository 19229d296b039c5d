"""The search domains of Aliens and Missile Command (:mod:`gvgai_generators.solvability.aliens`,
:mod:`~gvgai_generators.solvability.missilecommand`): what their heuristics aim at, and
witnesses that win on the real engine."""

from __future__ import annotations

from helpers import make_game, only, play

from gvgai_generators.solvability import aliens, missilecommand, search
from gvgai_py.engine import Game
from gvgai_py.games.aliens import ALIENS
from gvgai_py.games.missilecommand import MISSILECOMMAND


def searched(game: Game, domain, max_expansions: int = 2_000, max_ticks: int = 600):
    return search(game, domain(game), max_expansions, max_ticks)


def replayed(description, drawing: str, verdict) -> Game:
    game = make_game(description, drawing)
    play(game, [game.compiled.actions[a] for a in verdict.actions])
    return game


ONE_PORTAL = """
    2.........
    ..........
    ..........
    ..........
    ....A.....
    """


def test_aliens_heuristic_counts_the_aliens_released_or_not():
    game = make_game(ALIENS, ONE_PORTAL)
    domain = aliens.domain(game)
    cost = aliens.KILL_COST
    assert 20 * cost <= domain.heuristic(game) < 21 * cost  # the portal's total, none out
    play(game, ["NIL"])
    assert game.count(game.compiled.leaf_ids("alien")) == 1
    assert 20 * cost <= domain.heuristic(game) < 21 * cost  # one out, 19 to come


def test_aliens_heuristic_aims_ahead_of_a_marching_alien():
    game = make_game(ALIENS, ONE_PORTAL)
    domain = aliens.domain(game)
    play(game, ["NIL"])
    (alien,) = (s for tid in game.compiled.leaf_ids("alien") for s in game.dynamic[tid])
    assert alien.dx == 1, "aliens march right first"
    avatar = game.avatar

    def steps_to_aim_from(x: int) -> float:
        avatar.x = x
        return domain.heuristic(game) - 20 * aliens.KILL_COST

    # A missile fired from under the alien would pass behind it; one fired from further
    # right meets it.
    under = steps_to_aim_from(alien.x)
    ahead = min(steps_to_aim_from(alien.x + 10 * cells) for cells in range(1, 5))
    assert ahead < under


def test_aliens_fire_option_watches_its_missile_and_does_nothing_while_one_flies():
    game = make_game(ALIENS, ONE_PORTAL)
    fire = aliens.domain(game).options(game)[0]
    played = fire(game)
    assert played[0] == "USE" and set(played[1:]) == {"NIL"}
    assert not game.present[game.compiled.leaf_id("sam")], "the missile left the level"
    play(game, ["USE"])
    assert fire(game) == []


def test_aliens_witness_shoots_every_alien():
    verdict = searched(make_game(ALIENS, ONE_PORTAL), aliens.domain)
    assert verdict.solvable
    game = replayed(ALIENS, ONE_PORTAL, verdict)
    assert game.won and game.score == 2 * 20


ONE_CITY = """
    w...m....w
    w........w
    w.A......w
    w........w
    w........w
    w...c....w
    wwwwwwwwww
    """


def test_missilecommand_idle_play_loses_the_city_but_the_witness_saves_it():
    idle = make_game(MISSILECOMMAND, ONE_CITY)
    while not idle.ended:
        idle.step("NIL")
    assert idle.lost
    verdict = searched(make_game(MISSILECOMMAND, ONE_CITY), missilecommand.domain)
    assert verdict.solvable
    game = replayed(MISSILECOMMAND, ONE_CITY, verdict)
    assert game.won and game.score == 2
    only(game, "city")


def test_missilecommand_heuristic_counts_missiles_and_the_walk_to_the_nearest():
    game = make_game(MISSILECOMMAND, ONE_CITY)
    heuristic = missilecommand.domain(game).heuristic
    # One missile, two rows and two columns away from the avatar.
    assert heuristic(game) == missilecommand.MISSILE_COST + 4
    game.avatar.x += 20
    assert heuristic(game) == missilecommand.MISSILE_COST + 2
