"""The four level generators, verified generation and the ``pcg`` level source.

The sweep over 200 seeds per game and difficulty is marked ``slow`` (deselected by default; about
10 minutes with ``pytest -m slow``); the default run checks one seed per game and difficulty.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import fields
from functools import partial
from importlib.metadata import entry_points
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
from stable_baselines3.common.vec_env import SubprocVecEnv

import gvgai_generators
from gvgai_generators import (
    GENERATORS,
    UnsolvableLevelError,
    generate,
    generate_verified,
    generator_process,
    level_key,
    max_size,
)
from gvgai_generators.generator_process import GeneratorProcess, serve
from gvgai_generators.grid import distances
from gvgai_generators.pcg import PCGLevelSource, make_env
from gvgai_generators.solvability import replay
from gvgai_py import Level
from gvgai_py.envs import LEVEL_SOURCE_GROUP, named_level_source

GAMES = list(GENERATORS)
DIFFICULTIES = (0.0, 0.25, 0.5, 0.75, 1.0)
SWEEP_SEEDS = 200


def grid_of(level) -> np.ndarray:
    return np.array([list(row) for row in level.rows])


def where(grid: np.ndarray, chars: str) -> list[tuple[int, int]]:
    return [(int(r), int(c)) for r, c in np.argwhere(np.isin(grid, list(chars)))]


# ------------------------------------------------------------------ generators
@pytest.mark.parametrize("game", GAMES)
def test_same_seed_same_level_and_seeds_differ(game):
    for d in DIFFICULTIES:
        first = generate(game, d, np.random.default_rng(7))
        again = generate(game, d, np.random.default_rng(7))
        assert first.to_string() == again.to_string()
    levels = {generate(game, 0.5, np.random.default_rng(s)).to_string() for s in range(10)}
    assert len(levels) == 10


@pytest.mark.parametrize("game", GAMES)
def test_levels_fit_the_maximum_size_and_are_walled(game):
    rows, cols = max_size(game)
    for d in DIFFICULTIES:
        for seed in range(5):
            grid = grid_of(generate(game, d, np.random.default_rng(seed)))
            assert grid.shape[0] <= rows and grid.shape[1] <= cols
            # solarfox has enemy lanes on top and at the bottom, frogs an open goal row
            if game != "solarfox":
                assert set(grid[0]) == set(grid[-1]) == {"w"}
            if game != "frogs":
                assert set(grid[:, 0]) == set(grid[:, -1]) == {"w"}


@pytest.mark.parametrize("game", GAMES)
def test_difficulty_outside_unit_interval_is_rejected(game):
    for bad in (-0.1, 1.01, float("nan")):
        with pytest.raises(ValueError, match="difficulty"):
            generate(game, bad, np.random.default_rng(0))


def mean_knobs(module, difficulty: float) -> dict[str, float]:
    samples = [module.knobs(difficulty, np.random.default_rng(s)) for s in range(200)]
    return {f.name: float(np.mean([getattr(k, f.name) for k in samples]))
            for f in fields(samples[0])}


@pytest.mark.parametrize(("game", "growing", "shrinking"), [
    ("zelda", ["monsters", "quick_share", "key_distance", "door_distance"], ["openness"]),
    ("frogs", ["width", "middle_rows", "hazard_share", "truck_density", "fast_share",
               "sparse_share", "tree_density"], ["log_density"]),
    ("boulderdash", ["width", "boulder_share", "enemies", "exit_distance"],
     ["spare_diamonds"]),
    ("solarfox", ["blibs", "power_share", "edge_weight"], []),
])
def test_knobs_follow_difficulty(game, growing, shrinking):
    means = [mean_knobs(GENERATORS[game], d) for d in DIFFICULTIES]
    for name in growing:
        values = [m[name] for m in means]
        assert values == sorted(values) and values[-1] > values[0], name
    for name in shrinking:
        values = [m[name] for m in means]
        assert values == sorted(values, reverse=True) and values[-1] < values[0], name


def test_zelda_layout():
    for d in DIFFICULTIES:
        for seed in range(10):
            grid = grid_of(generate("zelda", d, np.random.default_rng(seed)))
            assert grid.shape == (9, 13)
            [avatar] = where(grid, "A")
            assert len(where(grid, "+")) == len(where(grid, "g")) == 1
            dist = distances(grid != "w", avatar)
            for monster in where(grid, "123"):
                assert dist[monster] >= gvgai_generators.zelda.MIN_MONSTER_DISTANCE
            # the key is reachable without passing the (closed) door
            [key] = where(grid, "+")
            assert distances((grid != "w") & (grid != "g"), avatar)[key] > 0


def test_zelda_items_move_away_with_difficulty():
    def mean_key_distance(d):
        total = 0
        for seed in range(40):
            grid = grid_of(generate("zelda", d, np.random.default_rng(seed)))
            total += distances(grid != "w", where(grid, "A")[0])[where(grid, "+")[0]]
        return total / 40

    assert mean_key_distance(1.0) > mean_key_distance(0.0) + 3


def test_frogs_layout():
    for d in DIFFICULTIES:
        k = gvgai_generators.frogs.knobs(d, np.random.default_rng(0))
        for seed in range(10):
            grid = grid_of(generate("frogs", d, np.random.default_rng(seed)))
            assert grid.shape == (k.middle_rows + 4, k.width)
            [goal] = where(grid, "g")
            assert goal[0] == 1 and grid[2, goal[1]] != "w"
            assert where(grid, "A")[0][0] == grid.shape[0] - 2
            middle = grid[2:-2]
            for row in middle:
                if set(row) & set("0=1234"):  # a river: one spawner, in the last column
                    assert row[-1] in "1234" and not set(row[:-1]) & set("1234")
                if set(row) & set(".-x_l"):  # a road: trucks of one kind, never too many
                    assert len(set(row) - {"."}) == 1
            hazards = [bool(set(row) & set("0=1234.-x_l")) for row in middle]
            assert any(hazards)
            runs = "".join("h" if h else " " for h in hazards).split()
            assert max(map(len, runs)) <= k.max_hazard_run


def test_boulderdash_layout():
    needed = gvgai_generators.boulderdash.DIAMONDS_NEEDED
    for d in DIFFICULTIES:
        for seed in range(10):
            grid = grid_of(generate("boulderdash", d, np.random.default_rng(seed)))
            assert 10 <= grid.shape[0] <= 12
            [avatar] = where(grid, "A")
            [exit_door] = where(grid, "e")
            assert len(where(grid, "x")) >= needed
            dist = distances(grid != "w", avatar)
            assert dist[exit_door] >= gvgai_generators.boulderdash.MIN_EXIT_DISTANCE
            assert (dist[grid != "w"] >= 0).all()  # the caves are joined
            for enemy in where(grid, "cb"):
                assert dist[enemy] >= gvgai_generators.boulderdash.MIN_ENEMY_DISTANCE
            assert not (grid[: exit_door[0], exit_door[1]] == "o").any()
            assert grid[avatar[0] - 1, avatar[1]] != "o"


def test_solarfox_frame_and_symmetry():
    for d in DIFFICULTIES:
        for seed in range(10):
            level = generate("solarfox", d, np.random.default_rng(seed))
            grid = grid_of(level)
            assert level.rows[0] == "w2.......w" and level.rows[-1] == "w.......1w"
            assert grid[5, 5] == "A"
            blibs = np.isin(grid, ["b", "p"])
            blibs[5, 5] = True  # the avatar's cell stands in for its (empty) mirror images
            assert (blibs == blibs[:, ::-1]).all() or (blibs == blibs[::-1, :]).all()


def test_solarfox_blib_count_follows_the_formula():
    for d in DIFFICULTIES:
        target = gvgai_generators.solarfox.knobs(d, np.random.default_rng(0)).blibs
        for seed in range(10):
            grid = grid_of(generate("solarfox", d, np.random.default_rng(seed)))
            assert target <= np.isin(grid, ["b", "p"]).sum() < target + 4


# ------------------------------------------------------------------ verified generation
def check_verified(game: str, difficulty: float, seed: int) -> None:
    level, verdict = generate_verified(game, difficulty, seed)
    assert verdict.solvable
    assert replay(level, seed, verdict.actions) == (True, verdict.score)


@pytest.mark.parametrize("game", GAMES)
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_verified_levels_have_a_winning_witness(game, difficulty):
    check_verified(game, difficulty, seed=3)


@pytest.mark.slow
@pytest.mark.parametrize("game", GAMES)
@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_sweep_verified_levels_have_a_winning_witness(game, difficulty):
    for seed in range(SWEEP_SEEDS):
        check_verified(game, difficulty, seed)


def test_a_level_is_named_by_seed_and_difficulty():
    level, verdict = generate_verified("zelda", 0.4, 12)
    again, same = generate_verified("zelda", 0.4000000001, 12)
    assert level == again and verdict.actions == same.actions
    assert generate_verified("zelda", 0.4, 13)[0] != level
    assert generate_verified("zelda", 0.45, 12)[0] != level


def test_invalid_names_are_rejected():
    for seed in (-1, 1.5, True):
        with pytest.raises(ValueError, match="seed"):
            level_key(seed, 0.5)
    with pytest.raises(ValueError, match="no generator"):
        generate_verified("mario", 0.5, 0)


def test_generation_gives_up_with_a_dedicated_error():
    # One expanded state is never enough to win Zelda, so every draw is rejected.
    with pytest.raises(UnsolvableLevelError, match="3 draws"):
        generate_verified("zelda", 0.5, 0, max_tries=3, max_expansions=1)


# ------------------------------------------------------------------ the pcg level source
def test_source_draws_verified_levels_named_in_info():
    env = make_env("zelda", difficulty=0.3, prefetch=0)
    _, info = env.reset(seed=5)
    assert info["difficulty"] == 0.3
    level, _ = generate_verified("zelda", info["difficulty"], info["level_seed"])
    assert env.unwrapped.level == level
    _, second = env.reset()
    assert second["level_seed"] != info["level_seed"]
    _, again = env.reset(seed=5)
    assert again["level_seed"] == info["level_seed"]


@pytest.mark.parametrize("game", GAMES)
def test_observation_size_is_the_generators_maximum(game):
    env = make_env(game)
    rows, cols = max_size(game)
    obs, _ = env.reset(seed=0)
    assert env.observation_space.shape[1:] == (rows, cols) == obs.shape[1:]


def test_source_difficulty_modes_and_queue():
    rng = np.random.default_rng(0)
    exact = PCGLevelSource("zelda", difficulty=0.2, prefetch=0)
    exact(rng)
    assert exact.info()["difficulty"] == 0.2
    exact.set_difficulty(0.6)
    exact(rng)
    assert exact.info()["difficulty"] == 0.6

    uniform = PCGLevelSource("zelda", difficulty=0.5, mode="uniform", num_levels=3, prefetch=0)
    drawn = []
    for _ in range(12):
        uniform(rng)
        drawn.append(uniform.info())
    assert all(0.0 <= i["difficulty"] <= 0.5 for i in drawn)
    assert len({i["difficulty"] for i in drawn}) > 1
    assert {i["level_seed"] for i in drawn} <= {0, 1, 2}

    uniform.queue_level(99, 0.9)
    assert uniform(rng) == generate_verified("zelda", 0.9, 99)[0]
    assert uniform.info() == {"difficulty": 0.9, "level_seed": 99}

    with pytest.raises(ValueError, match="mode"):
        PCGLevelSource("zelda", mode="hardest")


def test_prefetching_source_serves_the_current_difficulty():
    source = PCGLevelSource("zelda", difficulty=0.1, prefetch=2)
    try:
        rng = np.random.default_rng(0)
        first = source(rng)
        assert source.info()["difficulty"] == 0.1
        assert first == generate_verified("zelda", 0.1, source.info()["level_seed"])[0]
        source.set_difficulty(0.7)
        served = []
        for _ in range(4):
            source(rng)
            served.append(source.info()["difficulty"])
        # only the levels already checked or being checked keep the old difficulty
        assert served.count(0.1) <= source.prefetch and served[source.prefetch:] == [0.7, 0.7]
        source.queue_level(4, 0.3)
        source(rng)
        assert source.info() == {"difficulty": 0.3, "level_seed": 4}
    finally:
        source.close()


def test_serve_answers_each_request_with_a_level_or_why_there_is_none(monkeypatch):
    def draw(game, seed, difficulty):
        if seed == 1:
            raise UnsolvableLevelError("no winnable level")
        return generate_verified(game, difficulty, seed)[0]

    monkeypatch.setattr(generator_process, "cached_level", draw)
    replies = io.StringIO()
    serve("zelda", ["0 0.2\n", "1 0.2\n"], replies)
    found, unsolvable = map(json.loads, replies.getvalue().splitlines())
    assert Level.from_string(found["level"], "zelda") == generate_verified("zelda", 0.2, 0)[0]
    assert unsolvable == {"unsolvable": "no winnable level"}


def test_the_generator_process_serves_verified_levels_at_low_priority():
    generator = GeneratorProcess("frogs")
    try:
        assert generator.level(5, 0.4) == generate_verified("frogs", 0.4, 5)[0]
        if hasattr(os, "getpriority"):
            niceness = os.getpriority(os.PRIO_PROCESS, generator.pid)
            assert niceness > os.getpriority(os.PRIO_PROCESS, 0)
        if hasattr(os, "SCHED_IDLE"):
            assert os.sched_getscheduler(generator.pid) == os.SCHED_IDLE
    finally:
        generator.close()
    with pytest.raises(ProcessLookupError):
        os.kill(generator.pid, 0)


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="no idle scheduling class here")
def test_a_generator_process_denied_the_idle_class_still_lowers_its_priority():
    """A sandbox that forbids ``sched_setscheduler`` must not stop the level supply."""
    script = (
        "import os\n"
        "def refuse(*args):\n"
        "    raise PermissionError(1, 'Operation not permitted')\n"
        "os.sched_setscheduler = refuse\n"
        "from gvgai_generators.generator_process import yield_the_cpu\n"
        "yield_the_cpu()\n"
        "print(os.getpriority(os.PRIO_PROCESS, 0))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > os.getpriority(os.PRIO_PROCESS, 0)


def test_closing_the_generator_with_a_request_half_written_does_not_raise():
    """The prefetching thread may be writing a request when the environment closes."""
    generator = GeneratorProcess("zelda")
    generator._process.stdin.write("3")  # no newline yet: still in the pipe's buffer
    generator.close()
    with pytest.raises(ProcessLookupError):
        os.kill(generator.pid, 0)


@pytest.mark.skipif(
    not entry_points(group=LEVEL_SOURCE_GROUP, name="pcg"),
    reason="the pcg entry point is not installed yet (pip install -e . after adding it)",
)
def test_pcg_entry_point_draws_levels():
    source = named_level_source("pcg", "boulderdash", difficulty=0.25)
    assert isinstance(source, PCGLevelSource) and source.max_size == max_size("boulderdash")
    env = gym.make("gvgai/Boulderdash-v0", level="pcg", difficulty=0.25)
    _, info = env.reset(seed=0)
    assert info["difficulty"] == 0.25 and info["level_seed"] is not None


def children(pid: int) -> list[int]:
    """Child processes of ``pid`` (Linux)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux's /proc")
def test_subprocess_workers_prefetch_through_generator_processes_and_end_them():
    """Vectorized workers are daemons, which multiprocessing forbids to have children: each
    starts its generator as a plain subprocess, and ends it when the vector env closes."""
    env = SubprocVecEnv([partial(make_env, "frogs", max_steps=6, difficulty=0.3)] * 2)
    try:
        env.reset()
        for _ in range(12):  # several episodes each: prefetched levels are served
            *_, infos = env.step(np.zeros(2, dtype=int))
        assert [info["difficulty"] for info in infos] == [0.3, 0.3]
        generators_ = [child for worker in env.processes for child in children(worker.pid)]
        assert len(generators_) == 2
    finally:
        env.close()
    for pid in generators_:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
