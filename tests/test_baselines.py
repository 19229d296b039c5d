"""The uniform random agent that every win rate is read against."""

import numpy as np

from gvgai_agents.baselines import RandomAgent
from gvgai_agents.evaluate import evaluate
from gvgai_agents.levels import parse_level_set


def test_every_action_of_the_game_is_drawn_equally_often():
    for game, n_actions in (("zelda", 6), ("frogs", 5)):
        agent = RandomAgent(game, (9, 13), 100, seed=3)
        actions, _ = agent.predict(np.zeros((60_000, 1)))
        counts = np.bincount(actions, minlength=n_actions)
        assert len(counts) == n_actions
        assert np.all(np.abs(counts - 60_000 / n_actions) < 0.05 * 60_000 / n_actions), counts


def test_it_plays_the_levels_to_the_episode_cap_and_repeats_with_its_seed():
    human = parse_level_set("zelda", "human", training=False)

    def play(seed):
        agent = RandomAgent("zelda", human.max_size("zelda"), 25, seed=seed)
        return evaluate(agent, [human], 10, seed=100)[0]

    first = play(0)
    assert first.episodes == 10 and first.mean_ticks <= 25
    assert play(0) == first
    assert play(1) != first
