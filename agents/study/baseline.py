"""The random agent's row of a study: a uniform random agent plays each test set's episodes
as every model does (same levels, episode seeds and cap), once, with a cache per test set."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gvgai_agents.study.config import StudyConfig
from gvgai_agents.study.runs import EVAL_SEED, Rows, levels_digest, read_cached
from gvgai_agents.study.test_sets import TestSet
from gvgai_py.files import write_text_atomically

RANDOM_AGENT = "random agent"
"""The ``condition`` of the random agent's rows in ``results.csv``."""
RANDOM_AGENT_FOLDER = "random_agent"
"""The folder of ``out`` that caches its evaluations, one JSON file per test set."""
RANDOM_AGENT_SEED = 0
"""Seed of the random agent's own action generator (the episodes' seeds are the models')."""


def random_agent_rows(config: StudyConfig, test_sets: list[TestSet]) -> Rows:
    """One :data:`~gvgai_agents.study.runs.RESULT_COLUMNS` row per test set (``seed`` is
    the agent's own), played on first use and then read from the cache while its key (levels,
    episodes, episode seeds, cap) still matches."""
    from gvgai_agents.baselines import RandomAgent
    from gvgai_agents.evaluate import evaluate

    rows = []
    for test_set in test_sets:
        path = random_agent_file(config.out, test_set)
        key = cache_key(config, test_set)
        result = read_cached(path, key)
        if result is None:
            agent = RandomAgent(config.game, test_set.levels.max_size(config.game),
                                config.max_episode_steps, seed=RANDOM_AGENT_SEED)
            result = evaluate(agent, [test_set.levels], config.episodes,
                              seed=EVAL_SEED)[0].to_json()
            path.parent.mkdir(exist_ok=True)
            write_text_atomically(path, json.dumps({"key": key, "result": result}, indent=2))
        rows.append({"condition": RANDOM_AGENT, "seed": RANDOM_AGENT_SEED,
                     "test_set": test_set.name, "win_rate": result["win_rate"],
                     "mean_score": result["mean_score"], "episodes": result["episodes"]})
    return rows


def cache_key(config: StudyConfig, test_set: TestSet) -> dict[str, Any]:
    return {"levels_sha256": levels_digest(test_set), "episodes": config.episodes,
            "seed": EVAL_SEED, "agent_seed": RANDOM_AGENT_SEED,
            "max_episode_steps": config.max_episode_steps}


def random_agent_file(out: Path, test_set: TestSet) -> Path:
    return out / RANDOM_AGENT_FOLDER / f"{test_set.name}.json"
