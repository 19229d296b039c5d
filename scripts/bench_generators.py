"""Level supply speed: verified generated levels per second, and their share of training time.

Part 1, for each game and difficulty: :func:`generators.generate_verified` on level seeds
0..N-1 in this process; prints verified levels per second, draws per verified level (how often
the search rejects a draw) and the mean and slowest seconds per level.

Part 2 (``--train-steps S``): how much level supply slows training. A short training run
trains on fresh ``pcg`` levels, storing each one; a second run with the same seeds plays the
same episodes on the same levels, read back from the store instead of generated. The
difference in steps per second is what generating costs, for each prefetch setting
(``--prefetch``) and learner (``--learners``): ``gvgai`` is what ``gvgai train GAME --levels
pcg:D`` runs (A2C with the CPC loss and the symbolic CNN, 8 subprocess envs, 16-step
rollouts, one torch thread); ``mlp`` is plain A2C with SB3's small MLP policy and its torch
threads, a learner so cheap that generation's share is near its largest. ``--repeats``
runs several pairs and reports their median. Each line also gives the share of wall time
that resets waited for levels, which prefetching hides; the CPU time that generating takes
from training, it cannot hide. The machine's load is printed too, since other processes
slow everything.

    python scripts/bench_generators.py --levels 20
    python scripts/bench_generators.py --games zelda --difficulties 0.5 --train-steps 20000 \
        --learners gvgai mlp --repeats 3
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import torch as th
from stable_baselines3 import A2C
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.vec_env import SubprocVecEnv

from gvgai_agents.config import A2C_ROLLOUT, TrainConfig
from gvgai_agents.train import FAST_START_METHOD, Levels, new_model
from gvgai_generators import GENERATORS, MAX_TRIES, draws
from gvgai_generators.generator_process import quiet_collector
from gvgai_generators.pcg import PREFETCH, PREFETCH_FIXED, PCGLevelSource
from gvgai_py import Level, env_id

DIFFICULTIES = (0.0, 0.25, 0.5, 0.75, 1.0)
LEARNERS = ("gvgai", "mlp")
WARM_UP = 2_000


def supply_rate(game: str, difficulty: float, levels: int) -> str:
    """One line of part 1 for ``game`` at ``difficulty`` over level seeds 0..levels-1."""
    seconds, tries, failed = [], [], 0
    for seed in range(levels):
        began = time.perf_counter()
        for attempt, (_, verdict) in enumerate(draws(game, difficulty, seed), start=1):
            if verdict.solvable or attempt == MAX_TRIES:
                break
        seconds.append(time.perf_counter() - began)
        tries.append(attempt)
        failed += not verdict.solvable
    total = sum(seconds)
    return (
        f"{game:12s} d={difficulty:4.2f}  {(levels - failed) / total:7.2f} levels/s  "
        f"{np.mean(tries):4.2f} draws/level  mean {np.mean(seconds) * 1000:7.1f} ms  "
        f"max {max(seconds) * 1000:8.1f} ms  unsolvable {failed}/{levels}"
    )


class TimedSource(PCGLevelSource):
    """The ``pcg`` source, adding up the wall time its resets spend getting levels.

    With a ``store`` folder it writes every level it generates there; with ``replaying`` it
    reads them back instead of generating, so that a second run on the same seeds serves the
    same levels at the cost of reading a small file.
    """

    def __init__(
        self, *args: Any, store: Path, replaying: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        self.replaying = replaying
        self.seconds = 0.0
        self.calls = 0

    def __call__(self, rng: np.random.Generator) -> Level:
        began = time.perf_counter()
        level = super().__call__(rng)
        self.seconds += time.perf_counter() - began
        self.calls += 1
        return level

    def level(self, seed: int, difficulty: float) -> Level:
        path = self.store / f"{seed}_{difficulty}.txt"
        if self.replaying:
            return Level.from_file(path, self.game)
        level = super().level(seed, difficulty)
        path.write_text(level.to_string())
        return level


class SupplyTimer(gym.Wrapper):
    """Exposes the seconds its env's :class:`TimedSource` spent (for ``VecEnv.get_attr``)."""

    def __init__(self, env: gym.Env, source: TimedSource) -> None:
        super().__init__(env)
        self.source = source

    @property
    def supply_seconds(self) -> float:
        return self.source.seconds

    @property
    def levels_served(self) -> int:
        return self.source.calls


def timed_env(
    config: TrainConfig, levels: Levels, prefetch: int, store: Path, replaying: bool
) -> gym.Env:
    """What :func:`agents.levels.make_level_set_env` builds for ``config``, with a timed level
    source."""
    source = TimedSource(
        config.game, difficulty=levels.train.difficulty, prefetch=prefetch, store=store,
        replaying=replaying,
    )
    env = gym.make(env_id(config.game), level=source, obs_type=config.obs, size=levels.size,
                   max_steps=config.max_episode_steps)
    return SupplyTimer(env, source)


@dataclass(frozen=True)
class TrainingRun:
    steps_per_second: float
    waited: float
    """Share of the timed wall time that resets spent getting levels."""
    served: int
    """Levels served during the timed steps."""
    episode_length: float


def train(
    game: str, difficulty: float, steps: int, prefetch: int, learner: str, store: Path,
    replaying: bool,
) -> TrainingRun:
    """``learner`` on ``pcg`` levels of ``game``: ``WARM_UP`` steps (imports, first levels),
    then ``steps`` timed ones. A reset in one worker blocks the whole vectorized step, so
    waiting is set against wall time."""
    config = TrainConfig(game, preset="cpc", levels=f"pcg:{difficulty}", eval_levels=[],
                         run_name="bench")
    levels = Levels.of(config)
    env = make_vec_env(
        functools.partial(timed_env, config, levels, prefetch, store, replaying),
        n_envs=config.n_envs, seed=config.seed, vec_env_cls=SubprocVecEnv,
        vec_env_kwargs={"start_method": FAST_START_METHOD},
    )
    threads = th.get_num_threads()
    try:
        if learner == "gvgai":
            th.set_num_threads(config.torch_threads)
            model = new_model(config, levels, env, config.seed)
        else:
            model = A2C("MlpPolicy", env, n_steps=config.n_steps or A2C_ROLLOUT,
                        seed=config.seed, device="cpu")
        model.learn(WARM_UP)
        waited_before = sum(env.get_attr("supply_seconds"))
        served_before = sum(env.get_attr("levels_served"))
        began = time.perf_counter()
        model.learn(steps, reset_num_timesteps=False)
        wall = time.perf_counter() - began
        waited = sum(env.get_attr("supply_seconds")) - waited_before
        served = sum(env.get_attr("levels_served")) - served_before
    finally:
        env.close()
        th.set_num_threads(threads)
    length = float(np.mean([episode["l"] for episode in model.ep_info_buffer]))
    return TrainingRun(steps / wall, waited / wall, served, length)


def training_slowdown(
    game: str, difficulty: float, steps: int, prefetch: int, learner: str, repeats: int
) -> str:
    """One line of part 2 for ``game`` at ``difficulty``: how much slower ``learner`` trains
    on fresh levels than on the very same levels read back from files, over ``repeats``
    pairs of runs (the median, then every pair's figure: on a small machine, runs that differ
    in nothing still differ by several percent).

    The second run of a pair has the same seeds, so it plays the same episodes on the same
    levels (the line says so when the level counts agree); only generating them is missing.
    The difference is all that level supply costs training: the time resets wait, and the
    CPU time that generating takes from training. Prefetching hides the first, not the
    second; on a machine whose cores training keeps busy, the second is what remains."""
    pairs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as store:
            fresh = train(game, difficulty, steps, prefetch, learner, Path(store), False)
            stored = train(game, difficulty, steps, prefetch, learner, Path(store), True)
        pairs.append((fresh, stored))
    slowdowns = [1 - fresh.steps_per_second / stored.steps_per_second for fresh, stored in pairs]
    fresh, stored = pairs[0]
    same = "same levels" if fresh.served == stored.served else f"{stored.served} read back"
    each = ", ".join(f"{slowdown:.1%}" for slowdown in slowdowns)
    return (
        f"{game:12s} d={difficulty:4.2f} {learner:5s} prefetch {prefetch}  "
        f"{np.median(slowdowns):6.1%} slower (pairs: {each}); "
        f"levels read back {np.mean([s.steps_per_second for _, s in pairs]):5.0f} steps/s, "
        f"generated {np.mean([f.steps_per_second for f, _ in pairs]):5.0f} steps/s  "
        f"({fresh.served} levels, {same}, episodes of {fresh.episode_length:4.0f} steps; "
        f"resets waited {np.mean([f.waited for f, _ in pairs]):5.1%} of the wall time)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", nargs="+", default=list(GENERATORS), choices=list(GENERATORS))
    parser.add_argument("--difficulties", nargs="+", type=float, default=list(DIFFICULTIES))
    parser.add_argument("--levels", type=int, default=10, help="level seeds per difficulty")
    parser.add_argument("--train-steps", type=int, default=0,
                        help="also time training with fresh levels (0: skip)")
    parser.add_argument("--prefetch", type=int, nargs="+",
                        default=[0, PREFETCH, PREFETCH_FIXED],
                        help="the level source's prefetch settings to train with (gvgai train "
                             f"uses {PREFETCH_FIXED} for pcg:D)")
    parser.add_argument("--learners", nargs="+", default=list(LEARNERS), choices=LEARNERS,
                        help="gvgai: what gvgai train runs; mlp: a cheap plain A2C")
    parser.add_argument("--repeats", type=int, default=1,
                        help="pairs of training runs per line (the line gives their median)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    # Part 1 generates with the collector set as in the generator processes, so that no full
    # collection walks the objects of torch and stable-baselines3, which they never import;
    # the training of part 2 runs with Python's defaults again.
    threshold = gc.get_threshold()
    quiet_collector()
    for game in args.games:
        for difficulty in args.difficulties:
            print(supply_rate(game, difficulty, args.levels), flush=True)
    gc.unfreeze()
    gc.set_threshold(*threshold)
    if args.train_steps:
        for game in args.games:
            for difficulty in args.difficulties:
                for learner, prefetch in itertools.product(args.learners, args.prefetch):
                    print(training_slowdown(game, difficulty, args.train_steps, prefetch,
                                            learner, args.repeats), flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
