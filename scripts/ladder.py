"""The learning ladder (issue 15): does the agent beat a uniform random agent, from one fixed
level up to unlimited generated levels?

Rungs, all at one difficulty (default 0): ``one`` (1 fixed generated level), ``five`` (5),
``hundred`` (100), ``pcg`` (unlimited ``pcg:D``) and ``ppcg`` (Progressive PCG from 0). Each
rung trains with ``gvgai train`` (a subprocess, one at a time), then ``gvgai eval`` plays the
final model on the rung's training levels and on a held-out set of generated levels (level
seeds far from the training ones), sampled and argmax; a uniform random agent plays the same
episodes (same levels, episode seeds and cap). Results go to ``results/ladder/<game>/``:
``table.md``, ``table.csv`` and ``curves.png`` (held-out win rate during training, with the
random agent's level). Finished rungs are skipped, so an interrupted ladder resumes.

Usage (CPU, shared machine)::

    nice -n 19 .venv/bin/python scripts/ladder.py zelda --steps 300000 --seeds 0 \
        -- --no-cpc --vec-env dummy --torch-threads 1

Arguments after ``--`` go to every ``gvgai train``. Only the CLI and public functions are used.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

import gymnasium as gym
import numpy as np

from gvgai_agents.evaluate import wilson_interval
from gvgai_agents.levels import make_level_set_env, parse_level_set
from gvgai_py import Level, env_id

RUNGS = ("one", "five", "hundred", "pcg", "ppcg")
FIXED_SIZES = {"one": 1, "five": 5, "hundred": 100}
HELD_OUT_SEED = 1_000_000
"""Level seeds of the held-out set; the fixed training sets use seeds 0, 1, ..."""
EVAL_SEED = 2_000_000
"""Episode seeds of the final evaluations (training uses the run's seed upwards)."""
GVGAI = [sys.executable, "-m", "gvgai_py.cli"]

# ---------------------------------------------------------------------------------------------
# Options
parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("game")
parser.add_argument("--difficulty", type=float, default=0.0)
parser.add_argument("--rungs", nargs="+", default=list(RUNGS), choices=RUNGS)
parser.add_argument("--steps", type=int, default=300_000, help="training steps per run")
parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="training seeds")
parser.add_argument("--cap", type=int, default=500, help="steps per episode (train and eval)")
parser.add_argument("--held-out", type=int, default=50, help="levels in the held-out set")
parser.add_argument("--episodes", type=int, default=200, help="episodes per final evaluation")
parser.add_argument("--eval-every", type=int, default=25_000,
                    help="steps between held-out evaluations during training (the curves)")
parser.add_argument("--eval-episodes", type=int, default=50,
                    help="episodes per held-out evaluation during training")
parser.add_argument("--out", type=Path, default=None,
                    help="output folder (default: results/ladder/<game>)")
parser.add_argument("--runs", type=Path, default=None,
                    help="folder of the run directories (default: OUT/runs)")
cut = sys.argv.index("--") if "--" in sys.argv else len(sys.argv)
args = parser.parse_args(sys.argv[1:cut])
args.train_args = sys.argv[cut + 1:]
out = args.out or Path("results/ladder") / args.game
levels_dir, runs_dir = out / "levels", args.runs or out / "runs"
runs_dir.mkdir(parents=True, exist_ok=True)


def gvgai(*words: str) -> None:
    command = [*GVGAI, *map(str, words)]
    print("$", " ".join(command[2:]), flush=True)
    subprocess.run(command, check=True)


# ---------------------------------------------------------------------------------------------
# Level sets: fixed training sets (seeds 0..N-1) and the held-out set (seeds HELD_OUT_SEED..)
def level_folder(name: str, count: int, seed: int) -> Path:
    folder = levels_dir / name
    if not folder.is_dir() or len(list(folder.glob("*.txt"))) != count:
        gvgai("generate", args.game, "--difficulty", args.difficulty, "--count", count,
              "--seed", seed, "--out", folder, "--force")
    return folder


held_out = str(level_folder("held_out", args.held_out, HELD_OUT_SEED))
pcg_word = f"pcg:{args.difficulty:g}"
train_words = {rung: str(level_folder(rung, n, 0)) for rung, n in FIXED_SIZES.items()}
train_words |= {"pcg": pcg_word, "ppcg": "ppcg"}
# Where each rung's training win rate is measured after training (ppcg: its start difficulty).
train_test_words = {**train_words, "ppcg": "pcg:0"}


# ---------------------------------------------------------------------------------------------
# The random agent: episode i plays level i mod n (generated: the level of seed SEED + i) with
# reset seed SEED + i, as `gvgai eval` does. It ignores its observations: symbolic ones are the
# cheapest to make.
def random_agent(word: str, episodes: int, seed: int = EVAL_SEED) -> dict:
    cached = out / "random" / f"{Path(word).name}-cap{args.cap}-n{episodes}-s{seed}.json"
    if cached.is_file():
        return json.loads(cached.read_text())
    level_set = parse_level_set(args.game, word, training=False)
    size = level_set.max_size(args.game)
    rng = np.random.default_rng(seed)
    wins, ticks = [], []
    for i in range(episodes):
        if level_set.levels:
            level: Level = level_set.levels[i % len(level_set.levels)]
            env = gym.make(env_id(args.game), level=level, obs_type="symbolic", size=size,
                           max_steps=args.cap)
        else:
            env = make_level_set_env(args.game, level_set, "symbolic", size, args.cap)
        env.reset(seed=seed + i)
        done, info = False, {}
        while not done:
            _, _, terminated, truncated, info = env.step(int(rng.integers(env.action_space.n)))
            done = terminated or truncated
        env.close()
        wins.append(bool(info["won"]))
        ticks.append(int(info["ticks"]))
    result = {"episodes": episodes, "wins": sum(wins), "win_rate": float(np.mean(wins)),
              "win_rate_ci95": wilson_interval(sum(wins), episodes), "ticks": ticks}
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(result))
    return result


# ---------------------------------------------------------------------------------------------
# Train and evaluate each rung (skipped when its evaluation exists)
def eval_run(run_dir: Path, deterministic: bool) -> dict:
    report = run_dir / ("eval_argmax.json" if deterministic else "eval_sampled.json")
    if not report.is_file():
        gvgai("eval", run_dir, "--levels", train_test_words[rung], held_out,
              "--episodes", args.episodes, "--seed", EVAL_SEED, "--out", report,
              *(["--deterministic"] if deterministic else []))
    return json.loads(report.read_text())


def rounded(interval: list[float]) -> list[float]:
    return [round(bound, 3) for bound in interval]


rows = []
for rung in args.rungs:
    for seed in args.seeds:
        run_dir = runs_dir / f"{rung}-s{seed}"
        if not (run_dir / "model.zip").is_file():
            if run_dir.exists():  # interrupted: continue from its newest checkpoint
                gvgai("train", "--resume", run_dir, "--device", "cpu")
            else:
                gvgai("train", args.game, "--levels", train_words[rung], "--eval-levels",
                      held_out, "--eval-every", args.eval_every, "--eval-episodes",
                      args.eval_episodes, "--max-episode-steps", args.cap, "--steps",
                      args.steps, "--seed", seed, "--logdir", runs_dir, "--run-name",
                      run_dir.name, *args.train_args)
        sampled, argmax = eval_run(run_dir, False), eval_run(run_dir, True)
        command = json.loads((run_dir / "config.json").read_text())["command"]
        for which, word in (("train", train_test_words[rung]), ("held_out", held_out)):
            agent = {r["levels"]: r for r in sampled["results"]}[word]
            greedy = {r["levels"]: r for r in argmax["results"]}[word]
            rand = random_agent(word, args.episodes)
            rows.append({
                "rung": rung, "seed": seed, "steps": sampled["num_timesteps"], "cap": args.cap,
                "test": which, "episodes": args.episodes,
                "agent": agent["win_rate"], "agent_ci": rounded(agent["win_rate_ci95"]),
                "argmax": greedy["win_rate"], "argmax_ci": rounded(greedy["win_rate_ci95"]),
                "random": rand["win_rate"], "random_ci": rounded(rand["win_rate_ci95"]),
                "command": " ".join(command[1:]),
            })


# ---------------------------------------------------------------------------------------------
# Table (markdown + CSV)
def ci(pair: list[float]) -> str:
    return f"[{pair[0]:.2f}, {pair[1]:.2f}]"


header = ("rung", "seed", "steps", "levels", "agent (sampled)", "agent (argmax)", "random")
lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
for r in rows:
    lines.append(f"| {r['rung']} | {r['seed']} | {r['steps']} | {r['test']} | "
                 f"{r['agent']:.2f} {ci(r['agent_ci'])} | {r['argmax']:.2f} {ci(r['argmax_ci'])}"
                 f" | {r['random']:.2f} {ci(r['random_ci'])} |")
(out / "table.md").write_text(
    f"# {args.game} ladder: win rate, {args.episodes} episodes per cell, {args.cap}-step "
    f"episodes, Wilson 95% intervals\n\nHeld-out: {args.held_out} levels of difficulty "
    f"{args.difficulty:g}, level seeds {HELD_OUT_SEED}+. `train` is the rung's training levels "
    f"(for pcg and ppcg: fresh {pcg_word} levels, the distribution trained on). Random: a "
    f"uniform random agent on the same episodes. Commands: table.csv.\n\n"
    + "\n".join(lines) + "\n")
with open(out / "table.csv", "w", newline="") as file:
    writer = csv.DictWriter(file, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)


# ---------------------------------------------------------------------------------------------
# Curves: held-out win rate during training, per rung, with the random agent's level
def scalars(run_dir: Path, tag: str) -> tuple[list[int], list[float]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(run_dir / "tb"))
    events.Reload()
    if tag not in events.Tags()["scalars"]:
        return [], []
    points = events.Scalars(tag)
    return [p.step for p in points], [p.value for p in points]


import matplotlib  # noqa: E402 - only the plot needs it

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

figure, (train_ax, held_ax) = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True)
for rung in args.rungs:
    for seed in args.seeds:
        run_dir = runs_dir / f"{rung}-s{seed}"
        train_ax.plot(*scalars(run_dir, "rollout/win_rate"), label=f"{rung} s{seed}")
        held_ax.plot(*scalars(run_dir, "eval/win_rate/held_out"), marker="o",
                     label=f"{rung} s{seed}")
held_ax.axhline(random_agent(held_out, args.episodes)["win_rate"], color="k", ls="--",
                label="random agent")
train_ax.set(title="training levels (last 100 episodes)", xlabel="steps", ylabel="win rate")
held_ax.set(title=f"held-out ({args.held_out} levels, {args.eval_episodes} episodes)",
            xlabel="steps")
held_ax.legend(fontsize=8)
figure.suptitle(f"{args.game}: learning ladder at difficulty {args.difficulty:g}, "
                f"{args.cap}-step episodes")
figure.tight_layout()
figure.savefig(out / "curves.png", dpi=100)
print((out / "table.md").read_text())
