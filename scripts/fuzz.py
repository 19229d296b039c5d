"""Fuzz the environments: seeded random actions on every level, checking every step.

Episodes go round-robin over every level: ours (``levels/<game>/lvl*.txt``, where present) and
the original GVGAI levels (read from the shared reference folder, never copied). After each
step the observation must lie in the observation space, the score and reward must be finite,
the reward must be the change in score, ``info`` must be complete and consistent, rendering
must work, and nothing may raise.

    python scripts/fuzz.py --steps 1000000 [--seed 0]

A violation is printed with the level and the episode seed; replay that one episode with

    python scripts/fuzz.py --level PATH --episode-seed N

``--random-levels N`` plays N random legal levels instead (every game in turn, up to
8x12 cells, half of them without a wall border, so sprites leave the level), each with another
observation type and render mode, for ``--max-steps`` steps at most. Replay one with

    python scripts/fuzz.py --random-level I --seed S --max-steps M

Exit status 1 if anything was violated.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import gymnasium as gym
import numpy as np
from tqdm import tqdm

from gvgai_py import GAMES, Level, env_id
from gvgai_py.engine.registry import compiled
from gvgai_py.envs import MAX_STEPS

REPO = Path(__file__).resolve().parents[1]
ORIGINAL_LEVELS = Path(
    os.environ.get("GVGAI_ORIGINAL_LEVELS", REPO.parent / "shared" / "gvgai-reference" / "levels")
)
INFO_KEYS = ("score", "won", "lost", "ticks")
RANDOM_SIZE = (8, 12)
"""The largest random level (rows, cols); every random level's frame has this size."""
VIEWS = [(obs, render) for obs in ("symbolic", "ascii", "pixels")
         for render in (None, "rgb_array", "ansi")]
"""(observation type, render mode) pairs the random levels take in turn."""


def level_files() -> list[Path]:
    """Every playable level file: ours first, then the originals that are present."""
    ours = sorted(path for game in GAMES for path in (REPO / "levels" / game).glob("lvl*.txt"))
    originals = sorted(ORIGINAL_LEVELS.glob("*_lvl*.txt"))
    return ours + [path for path in originals if game_of(path) in GAMES]


def game_of(level: Path) -> str:
    """``levels/zelda/lvl0.txt`` and ``zelda_lvl0.txt`` are both Zelda levels."""
    return level.parent.name if level.parent.name in GAMES else level.name.split("_lvl")[0]


def level_file_env(level: Path, max_steps: int = MAX_STEPS) -> gym.Env:
    """The environment of the level file ``level``, without gymnasium's wrappers."""
    return gym.make(env_id(game_of(level)), level=str(level), max_steps=max_steps).unwrapped


def random_level(game: str, rng: np.random.Generator) -> Level:
    """A random legal level of ``game``: any size up to :data:`RANDOM_SIZE`, each cell empty or
    any legend character (at a density drawn per level), one avatar, and a wall border half
    the time (when the level is at least 3x3)."""
    tables = compiled(GAMES[game])
    avatars = sorted(
        char for char, tids in tables.legend.items()
        if any(tables.types[t].is_avatar for t in tids)
    )
    others = sorted(set(tables.legend) - set(avatars) - {" "})
    rows, cols = (int(rng.integers(1, n + 1)) for n in RANDOM_SIZE)
    density = rng.random()
    grid = [
        [str(rng.choice(others)) if rng.random() < density else " " for _ in range(cols)]
        for _ in range(rows)
    ]
    top, left = 0, 0
    if rows >= 3 and cols >= 3 and rng.random() < 0.5:
        grid[0] = ["w"] * cols
        grid[-1] = ["w"] * cols
        for line in grid:
            line[0] = line[-1] = "w"
        top, left = 1, 1
    row, col = int(rng.integers(top, rows - top)), int(rng.integers(left, cols - left))
    grid[row][col] = str(rng.choice(avatars))
    return Level.from_string("\n".join("".join(line) for line in grid), game)


def random_level_env(game: str, view: tuple[str, str | None], max_steps: int) -> gym.Env:
    """An environment that plays a new random level of ``game`` at every reset."""
    obs_type, render_mode = view
    return gym.make(
        env_id(game), level=functools.partial(random_level, game), size=RANDOM_SIZE,
        obs_type=obs_type, render_mode=render_mode, max_steps=max_steps,
    ).unwrapped


def random_episode(index: int, seed: int) -> tuple[str, tuple[str, str | None], int]:
    """(game, view, episode seed) of random level ``index`` of the run with ``seed``: the games
    take turns, and each takes the views in turn."""
    games = sorted(GAMES)
    view = VIEWS[index // len(games) % len(VIEWS)]
    return games[index % len(games)], view, seed * 1_000_003 + index


def checked(env: gym.Env, seed: int) -> Iterator[list[str]]:
    """:func:`episode`, with an exception turned into a last violation that names it."""
    try:
        yield from episode(env, seed)
    except Exception as error:  # the fuzzer's job is to report any failure, then go on
        yield [f"raised {type(error).__name__}: {error}"]


def episode(env: gym.Env, seed: int) -> Iterator[list[str]]:
    """Play one episode with random actions drawn from ``seed``; after each step, yield the
    invariants it broke (an empty list when all hold)."""
    actions = np.random.default_rng(seed)
    obs, info = env.reset(seed=seed)
    score, ticks = 0.0, 0
    # Problems at reset are reported with the first step.
    problems = [] if obs in env.observation_space else ["reset: observation outside the space"]
    if info.get("score") != 0 or info.get("ticks") != 0:
        problems.append(f"reset: info {info}")
    done = False
    while not done:
        action = int(actions.integers(env.action_space.n))
        obs, reward, terminated, truncated, info = env.step(action)
        if obs not in env.observation_space:
            problems.append("observation outside the space")
        if missing := [key for key in INFO_KEYS if key not in info]:
            problems.append(f"info lacks {missing}")
            yield problems
            return
        if not (math.isfinite(reward) and math.isfinite(info["score"])):
            problems.append(f"reward {reward}, score {info['score']}")
        elif not math.isclose(reward, info["score"] - score, abs_tol=1e-9):
            problems.append(f"reward {reward} but the score went {score} -> {info['score']}")
        if info["ticks"] != ticks + 1:
            problems.append(f"ticks went {ticks} -> {info['ticks']}")
        if terminated != (info["won"] or info["lost"]) or (terminated and truncated):
            problems.append(f"terminated={terminated} truncated={truncated} info={info}")
        if env.render_mode is not None and env.render() is None:
            problems.append(f"render() in mode {env.render_mode} returned None")
        score, ticks, done = info["score"], info["ticks"], terminated or truncated
        yield problems
        problems = []


def fuzz(steps: int, seed: int) -> int:
    """Play ``steps`` steps round-robin over every level; return the number of violations."""
    levels = level_files()
    if not levels:
        sys.exit(f"no levels found (ours in {REPO / 'levels'}, originals in {ORIGINAL_LEVELS})")
    envs = [level_file_env(level) for level in levels]
    originals = sum(level.is_relative_to(ORIGINAL_LEVELS) for level in levels)
    print(f"{len(levels)} levels ({len(levels) - originals} ours, {originals} originals)")
    played = violations = episodes = 0
    start = time.perf_counter()
    with tqdm(total=steps, unit="step", smoothing=0.05) as bar:
        while played < steps:
            index = episodes % len(levels)
            episode_seed = seed * 1_000_003 + episodes
            for step, problems in enumerate(checked(envs[index], episode_seed), start=1):
                played += 1
                bar.update(1)
                for problem in problems:
                    violations += 1
                    tqdm.write(
                        f"VIOLATION {problem} at step {step}: replay with --level "
                        f"{levels[index]} --episode-seed {episode_seed}"
                    )
                if played >= steps:
                    break
            episodes += 1
    elapsed = time.perf_counter() - start
    print(
        f"{played} steps, {episodes} episodes in {elapsed:.1f} s: {played / elapsed:,.0f} steps/s;"
        f" {violations} violations (seed {seed})"
    )
    return violations


def fuzz_random_levels(count: int, seed: int, max_steps: int) -> int:
    """Play ``count`` random levels (see :func:`random_episode`); return the number of
    violations."""
    envs: dict[tuple, gym.Env] = {}
    violations = steps = 0
    start = time.perf_counter()
    for index in tqdm(range(count), unit="level", smoothing=0.05):
        game, view, episode_seed = random_episode(index, seed)
        if (game, view) not in envs:
            envs[game, view] = random_level_env(game, view, max_steps)
        env = envs[game, view]
        for step, problems in enumerate(checked(env, episode_seed), start=1):
            steps += 1
            for problem in problems:
                violations += 1
                level = "\n".join(env.level.rows) if env.level is not None else "(none)"
                tqdm.write(
                    f"VIOLATION {problem} at step {step} of {game} {view}: replay with "
                    f"--random-level {index} --seed {seed} --max-steps {max_steps}\n{level}"
                )
    for env in envs.values():
        env.close()
    elapsed = time.perf_counter() - start
    print(
        f"{count} random levels, {steps} steps in {elapsed:.1f} s: {steps / elapsed:,.0f} "
        f"steps/s; {violations} violations (seed {seed})"
    )
    return violations


def replay(env: gym.Env, episode_seed: int) -> int:
    """Replay one episode, printing each step's violations (an exception goes through);
    return their number."""
    violations = 0
    for step, problems in enumerate(episode(env, episode_seed), start=1):
        for problem in problems:
            violations += 1
            print(f"step {step}: {problem}")
    print(f"{step} steps, {violations} violations")
    return violations


def replay_random_level(index: int, seed: int, max_steps: int) -> int:
    """Replay random level ``index`` of the run with ``seed``, showing the level first."""
    game, view, episode_seed = random_episode(index, seed)
    env = random_level_env(game, view, max_steps)
    env.reset(seed=episode_seed)
    print(f"{game} {view}:", *env.level.rows, sep="\n")
    return replay(env, episode_seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000, help="steps in all (100000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the whole run (0)")
    parser.add_argument("--level", type=Path, help="replay one episode on this level file")
    parser.add_argument("--episode-seed", type=int, help="seed of the episode to replay")
    parser.add_argument("--random-levels", type=int, help="play this many random levels")
    parser.add_argument("--random-level", type=int, help="replay this random level of --seed")
    parser.add_argument("--max-steps", type=int, default=100,
                        help="steps per random level at most (100)")
    args = parser.parse_args(argv)
    if (args.level is None) != (args.episode_seed is None):
        parser.error("--level and --episode-seed go together")
    if args.level is not None:
        violations = replay(level_file_env(args.level), args.episode_seed)
    elif args.random_level is not None:
        violations = replay_random_level(args.random_level, args.seed, args.max_steps)
    elif args.random_levels is not None:
        violations = fuzz_random_levels(args.random_levels, args.seed, args.max_steps)
    else:
        violations = fuzz(args.steps, args.seed)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
