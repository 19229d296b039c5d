"""``gvgai demo``: play a uniform random agent on level 0 of every game and print the outcome."""

from __future__ import annotations

import argparse

import gymnasium as gym

from gvgai_py import GAMES, env_id


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="random agent on each game's level 0")
    parser.add_argument("--seed", type=int, default=0, help="episode seed (default 0)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for name in GAMES:
        env = gym.make(env_id(name))
        env.action_space.seed(args.seed)
        env.reset(seed=args.seed)
        terminated = truncated = False
        while not (terminated or truncated):
            _, _, terminated, truncated, info = env.step(env.action_space.sample())
        outcome = "won" if info["won"] else "lost" if info["lost"] else "timed out"
        print(f"{name:12s} {outcome:9s} score {info['score']:6.1f} after {info['ticks']} ticks")
        env.close()
    return 0
