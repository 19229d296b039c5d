"""``gvgai play``: play a game with the keyboard or watch a trained agent; record or replay.

Keys: arrows move, space is USE, R restarts the level, N goes to the next level, P pauses, S
plays a single tick while paused, Esc or Q quits. Holding a key repeats it once per frame (one
game tick). With --difficulty, N draws a new generated level and + / - change the difficulty
by 0.1. With --agent the model plays (the game, observations and step limit are its own): an
action key (arrows, space) takes over, A gives control back, and each episode it ends is played
again after a second. --record refuses an existing file unless --force, and the level file being
played even then; it is checked before the game starts.
"""

from __future__ import annotations

import argparse
import secrets
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from gvgai_py import GAMES, GENERATED_GAMES
from gvgai_py.cli import CLIError
from gvgai_py.level import Level, resolve_game
from gvgai_py.outputs import check_targets

if TYPE_CHECKING:
    from gvgai_py.play import Agent

AGENT_LOADERS = "gvgai_py.agent_loaders"
"""Entry-point group of the functions ``loader(path: str, deterministic: bool) -> Agent`` that
make a :class:`gvgai_py.play.Agent` of ``--agent PATH``. The agents package installs one; this
package never imports it (it would need a learning library). With several installed, the
first in name order is used."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "play", help="play a game with the keyboard, watch a trained agent, or replay a recording",
        description=__doc__.splitlines()[0].split(": ", 1)[1], epilog=__doc__.split("\n\n")[1],
    )
    parser.add_argument(
        "game", nargs="?",
        help=f"{', '.join(GAMES)} (optional with --agent: its own)",
    )
    parser.add_argument(
        "--agent", metavar="RUN_DIR|MODEL",
        help="watch a trained model play: a model file, or a run directory (its model.zip, "
             "else its newest checkpoint)",
    )
    parser.add_argument(
        "--deterministic", action="store_true",
        help="with --agent: take the most likely action instead of sampling the policy",
    )
    parser.add_argument(
        "--level", default=None, metavar="N|PATH",
        help="one of our levels (0-4) or a level file (default 0)",
    )
    parser.add_argument(
        "--difficulty", type=float, default=None, metavar="D",
        help="play generated levels of difficulty D in [0, 1] instead (needs the generators)",
    )
    parser.add_argument(
        "--seed", type=int, default=None,
        help="seed of the first episode, the next ones count up from it (default: random)",
    )
    parser.add_argument("--scale", type=int, default=4, help="window zoom (default 4)")
    parser.add_argument(
        "--fps", type=float, default=15,
        help="frames, that is game ticks, per second (default 15; 0: as fast as possible)",
    )
    parser.add_argument("--record", metavar="FILE.json", help="save every episode to FILE.json")
    parser.add_argument("--force", action="store_true",
                        help="overwrite an existing --record file")
    parser.add_argument(
        "--replay", metavar="FILE.json",
        help="play a recording back and check that each episode ends as recorded",
    )
    parser.add_argument(
        "--max-frames", type=int, metavar="N", help="stop after N frames (for headless runs)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gvgai_py import play
    from gvgai_py.envs import load_level
    from gvgai_py.rendering import Window

    _check_options(args)
    game = resolve_game(args.game).name if args.game else None
    level_word = args.level or "0"
    level = int(level_word) if level_word.isdigit() else level_word
    if args.record:
        check_targets([args.record], force=args.force,
                      inputs=[level] if isinstance(level, str) else [])
    agent = None
    if args.agent:
        agent = load_agent(args.agent, args.deterministic)
        if game is not None and game != agent.game:
            raise CLIError(f"{args.agent} plays {agent.game}, not {game}")
        game = agent.game
        if args.difficulty is None:
            _check_fits(agent, load_level(game, level))
    if args.difficulty is not None and game not in GENERATED_GAMES:
        raise CLIError(f"--difficulty plays generated levels, and {game} has no level generator "
                       f"(only {', '.join(GENERATED_GAMES)} have one)")
    window = Window(f"gvgai play {game}", args.scale, args.fps)
    if args.replay:
        return _replay(args.replay, game, window)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    episodes = []
    try:
        episodes = play.play(
            game, level, seed, window, args.max_frames, difficulty=args.difficulty, agent=agent
        )
    finally:
        for number, episode in enumerate(episodes, start=1):
            print(f"episode {number}: {episode.summary()}")
        if args.record and episodes:
            play.save_recording(args.record, game, episodes)
            print(f"recorded {len(episodes)} episode(s) in {args.record}")
    return 0


def _check_options(args: argparse.Namespace) -> None:
    """Refuse option combinations that make no sense, before anything slow starts."""
    if args.game is None and not args.agent:
        raise CLIError("name a GAME to play, or give --agent RUN_DIR|MODEL")
    if args.record and args.replay:
        raise CLIError("--record and --replay cannot be combined")
    if args.agent and (args.record or args.replay):
        # A recording replays on the default environment, whose step limit is not the agent's.
        raise CLIError("--agent cannot be combined with --record or --replay")
    if args.deterministic and not args.agent:
        raise CLIError("--deterministic chooses the actions of an --agent")
    if args.scale < 1:
        raise CLIError(f"--scale must be at least 1, got {args.scale}")
    if args.max_frames is not None and args.max_frames < 1:
        raise CLIError(f"--max-frames must be at least 1, got {args.max_frames}")
    if args.difficulty is not None:
        if args.level is not None:
            raise CLIError("--level and --difficulty cannot be combined")
        if not 0.0 <= args.difficulty <= 1.0:
            raise CLIError(f"--difficulty must be in [0, 1], got {args.difficulty}")


def _check_fits(agent: Agent, level: Level) -> None:
    """An agent sees grids of one size: refuse a level larger than them."""
    rows, cols = agent.env_kwargs.get("size", (level.height, level.width))
    if level.height > rows or level.width > cols:
        raise CLIError(f"the level is {level.height}x{level.width}, larger than the "
                       f"{rows}x{cols} grid the agent was trained on")


def load_agent(path: str, deterministic: bool) -> Agent:
    """The :class:`gvgai_py.play.Agent` that the installed loader (:data:`AGENT_LOADERS`)
    makes of ``path``."""
    loaders = sorted(entry_points(group=AGENT_LOADERS), key=lambda ep: ep.name)
    if not loaders:
        raise CLIError("--agent needs the agents package (gvgai_agents), which this "
                       "installation lacks")
    return loaders[0].load()(path, deterministic=deterministic)


def _replay(path: str, game: str, window) -> int:
    from gvgai_py import play

    recorded_game, recording = play.load_recording(path)
    if recorded_game != game:
        raise CLIError(f"{path} records {recorded_game}, not {game}")
    mismatches = 0
    results = play.replay(recording, game, window)
    for number, (recorded, replayed) in enumerate(results, start=1):
        same = (recorded.outcome, recorded.score) == (replayed.outcome, replayed.score)
        mismatches += not same
        verdict = "as recorded" if same else (
            f"MISMATCH: recorded {recorded.outcome}, score {recorded.score:g}"
        )
        print(f"episode {number}: {replayed.summary()} - {verdict}")
    if len(results) < len(recording):
        print(f"stopped after {len(results)} of {len(recording)} episodes")
    return 1 if mismatches else 0
