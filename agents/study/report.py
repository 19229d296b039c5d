"""A study's reports, the same whichever backend ran it: ``results.csv``, ``summary.md``
and the plots (training curves read from the runs' TensorBoard events)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import numpy as np

from gvgai_agents.config import PRESETS
from gvgai_agents.study.baseline import RANDOM_AGENT
from gvgai_agents.study.config import Run, StudyConfig
from gvgai_agents.study.runs import EVAL_SEED, RESULT_COLUMNS
from gvgai_agents.study.stats import BOOTSTRAP_RESAMPLES, CONFIDENCE, bootstrap_ci, table
from gvgai_agents.study.test_sets import TEST_LEVEL_SEEDS, TestSet
from gvgai_py.files import write_text_atomically

RESULTS_FILE = "results.csv"
SUMMARY_FILE = "summary.md"
WIN_RATE_PLOT = "win_rate.png"
TEST_PLOT = "test_win_rates.png"
DIFFICULTY_PLOT = "difficulty.png"
HELD_OUT_PLOT = "held_out_win_rates.png"
HELD_OUT_TAG = "eval/win_rate/{}"
"""The win rate on a test set in a run's evaluations while it trains (its name filled in)."""
WIN_RATE_TAG = "rollout/win_rate"
DIFFICULTY_TAG = "curriculum/difficulty"
CURVE_POINTS = 200
"""Steps at which training curves of different seeds are interpolated and averaged."""


def write_reports(config: StudyConfig, test_sets: list[TestSet], runs: list[Run],
                  rows: list[dict[str, Any]], baseline: list[dict[str, Any]]) -> list[Path]:
    """Write every report of the study to ``config.out``, the runs' ``rows`` read against the
    random agent's ``baseline`` (one row per test set); returns the files written (a training
    curve only when some run logged it)."""
    out = config.out
    write_results(out / RESULTS_FILE, rows + baseline)
    random_rates = {row["test_set"]: row["win_rate"] for row in baseline}
    write_text_atomically(out / SUMMARY_FILE, summary(config, test_sets, rows, baseline))
    plot_test_win_rates(out / TEST_PLOT, config, test_sets, rows, random_rates)
    written = [out / RESULTS_FILE, out / SUMMARY_FILE, out / TEST_PLOT]
    if plot_held_out(out / HELD_OUT_PLOT, config, test_sets, runs, random_rates):
        written.append(out / HELD_OUT_PLOT)
    for name, tag, ylabel, title in (
        (WIN_RATE_PLOT, WIN_RATE_TAG, "training win rate (last 100 episodes)",
         f"{config.game}: win rate during training"),
        (DIFFICULTY_PLOT, DIFFICULTY_TAG, "difficulty",
         f"{config.game}: curriculum difficulty during training"),
    ):
        if plot_curves(out / name, runs, tag, ylabel, title):
            written.append(out / name)
    return written


def write_results(path: Path, rows: list[dict[str, Any]]) -> None:
    """``results.csv``, written atomically like the study's other files: a study stopped
    while writing it keeps the previous table."""
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=RESULT_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomically(path, text.getvalue())


def summary(config: StudyConfig, test_sets: list[TestSet], rows: list[dict[str, Any]],
            baseline: list[dict[str, Any]]) -> str:
    """``summary.md``: the study's settings, then one table per measure (rows: training
    conditions; columns: test sets; cells: mean over seeds [95% bootstrap CI]), whose last row
    is the random agent's (its win rate with the Wilson interval of its episodes)."""
    conditions = [c.label for c in config.conditions]
    names = [t.name for t in test_sets]
    cpc = "on" if config.default_cpc else "off"
    descriptions = [f"`{t.name}` ({len(t.levels.levels)} levels)" for t in test_sets]
    lines = [
        f"# Study: {config.game}, {config.algo}",
        "",
        f"- Preset `{config.preset}`: {PRESETS[config.preset].summary}.",
        f"- {config.steps} steps per run, seeds 0-{config.seeds - 1}, {config.n_envs} "
        f"environments, {config.max_episode_steps}-step episodes; CPC {cpc} unless a "
        f"condition says `+cpc`/`+nocpc`.",
        f"- Test sets: {', '.join(descriptions)}. Generated test levels use level seeds from "
        f"{TEST_LEVEL_SEEDS.start} up, which training never draws.",
        f"- Each model played {config.episodes} episodes per test set (levels in turn, "
        f"actions sampled from the policy, episode seeds from {EVAL_SEED}).",
        f"- Cells: mean over seeds [{CONFIDENCE:.0%} percentile bootstrap CI over seeds, "
        f"{BOOTSTRAP_RESAMPLES} resamples]; with few seeds it is coarse.",
        f"- *{RANDOM_AGENT}*: uniform random actions on the same episodes [Wilson "
        f"{CONFIDENCE:.0%} interval over its {config.episodes} episodes per test set].",
    ]
    random_by_set = {row["test_set"]: row for row in baseline}
    for title, column, digits in (("Win rate", "win_rate", 2), ("Mean score", "mean_score", 1)):
        cells = table(rows, column)
        lines += ["", f"## {title}", "", "| condition | " + " | ".join(names) + " |",
                  "|---" * (len(names) + 1) + "|"]
        for condition in conditions:
            texts = []
            for name in names:
                cell = cells[(condition, name)]
                low, high = cell.interval
                texts.append(f"{cell.mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]")
            lines.append(f"| {condition} | " + " | ".join(texts) + " |")
        lines.append(f"| *{RANDOM_AGENT}* | " + " | ".join(
            random_cell(random_by_set[name], column, digits) for name in names) + " |")
    return "\n".join(lines) + "\n"


def random_cell(row: dict[str, Any], column: str, digits: int) -> str:
    from gvgai_agents.evaluate import wilson_interval  # heavy: torch and SB3

    value = float(row[column])
    if column != "win_rate":
        return f"{value:.{digits}f}"
    episodes = int(row["episodes"])
    low, high = wilson_interval(round(value * episodes), episodes)
    return f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def read_scalars(tensorboard_dir: Path, tag: str) -> tuple[np.ndarray, np.ndarray] | None:
    """``(steps, values)`` of a scalar in a run's TensorBoard events, or None if not logged.
    A resumed run logs again from its checkpoint: later events replace earlier ones from the
    step where they restart."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    if not tensorboard_dir.is_dir():
        return None
    accumulator = EventAccumulator(str(tensorboard_dir), size_guidance={"scalars": 0})
    accumulator.Reload()
    if tag not in accumulator.Tags()["scalars"]:
        return None
    kept: list[tuple[int, float]] = []
    for event in sorted(accumulator.Scalars(tag), key=lambda e: e.wall_time):
        while kept and kept[-1][0] >= event.step:
            kept.pop()
        kept.append((event.step, event.value))
    steps, values = zip(*kept, strict=True)
    return np.array(steps, dtype=float), np.array(values, dtype=float)


def mean_curve(curves: list[tuple[np.ndarray, np.ndarray]]
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(steps, mean, low, high)`` of curves logged at different steps: each is interpolated
    at :data:`CURVE_POINTS` steps over the range that all of them cover."""
    start = max(steps[0] for steps, _ in curves)
    end = min(steps[-1] for steps, _ in curves)
    grid = np.unique(np.linspace(start, end, CURVE_POINTS))
    values = np.stack([np.interp(grid, steps, curve) for steps, curve in curves])
    low, high = bootstrap_ci(values)
    return grid, values.mean(axis=0), low, high


def plot_curves(path: Path, runs: list[Run], tag: str, ylabel: str, title: str) -> bool:
    """One line per condition (mean over seeds, CI band) of ``tag``, a quantity in [0, 1];
    False, and no file, when no run logged it."""
    from matplotlib.figure import Figure  # Agg through Figure.savefig, no pyplot state

    from gvgai_agents.train import TENSORBOARD

    figure = Figure(figsize=(8, 5), layout="constrained")
    axes = figure.subplots()
    plotted = False
    for condition in dict.fromkeys(run.condition for run in runs):
        curves = [curve for run in runs if run.condition == condition
                  if (curve := read_scalars(run.directory / TENSORBOARD, tag)) is not None]
        if not curves:
            continue
        draw_mean_curve(axes, curves, f"{condition.label} ({len(curves)} seeds)")
        plotted = True
    if plotted:
        axes.set(xlabel="environment steps", ylabel=ylabel, title=title, ylim=(-0.02, 1.02))
        axes.legend(fontsize=8)
        figure.savefig(path, dpi=120)
    return plotted


def plot_held_out(path: Path, config: StudyConfig, test_sets: list[TestSet], runs: list[Run],
                  random_rates: dict[str, float]) -> bool:
    """One panel per test set: its win rate in the runs' evaluations while they train, one
    line per condition (mean over seeds, CI band), the random agent's win rate dashed; False,
    and no file, when no run logged any."""
    from matplotlib.figure import Figure

    from gvgai_agents.train import TENSORBOARD

    logged = []
    for test_set in test_sets:
        by_condition = {}
        for condition in dict.fromkeys(run.condition for run in runs):
            curves = [curve for run in runs if run.condition == condition
                      if (curve := read_scalars(run.directory / TENSORBOARD,
                                                HELD_OUT_TAG.format(test_set.name)))]
            if curves:
                by_condition[condition.label] = curves
        if by_condition:
            logged.append((test_set.name, by_condition))
    if not logged:
        return False
    figure = Figure(figsize=(4.5 * len(logged), 4.2), layout="constrained")
    for axes, (name, by_condition) in zip(np.atleast_1d(figure.subplots(1, len(logged))),
                                          logged, strict=True):
        for label, curves in by_condition.items():
            draw_mean_curve(axes, curves, f"{label} ({len(curves)} seeds)")
        if name in random_rates:
            axes.axhline(random_rates[name], color="black", ls="--", lw=1, label=RANDOM_AGENT)
        axes.set(xlabel="environment steps", ylabel="win rate", title=name, ylim=(-0.02, 1.02))
        axes.legend(fontsize=7)
    figure.suptitle(f"{config.game}: win rate on the test sets while training "
                    f"({config.eval_episodes} episodes per point)")
    figure.savefig(path, dpi=120)
    return True


def draw_mean_curve(axes: Any, curves: list[tuple[np.ndarray, np.ndarray]], label: str) -> None:
    """The mean of ``curves`` with its CI band."""
    steps, mean, low, high = mean_curve(curves)
    line, = axes.plot(steps, mean, marker="o" if len(steps) == 1 else None, label=label)
    axes.fill_between(steps, low, high, color=line.get_color(), alpha=0.2)


def plot_test_win_rates(path: Path, config: StudyConfig, test_sets: list[TestSet],
                        rows: list[dict[str, Any]], random_rates: dict[str, float]) -> None:
    """Grouped bars: one group per test set, one bar per condition (mean over seeds, CI
    whiskers), each seed's own win rate as a dot, the random agent's win rate as a dashed
    line across the group."""
    from matplotlib.figure import Figure

    cells = table(rows, "win_rate")
    conditions = [c.label for c in config.conditions]
    width = 0.8 / len(conditions)
    figure = Figure(figsize=(2.0 + 1.2 * len(test_sets) * len(conditions) ** 0.5, 4.5),
                    layout="constrained")
    axes = figure.subplots()
    for i, condition in enumerate(conditions):
        x = np.arange(len(test_sets)) + (i - (len(conditions) - 1) / 2) * width
        group = [cells[(condition, t.name)] for t in test_sets]
        means = np.array([cell.mean for cell in group])
        intervals = np.array([cell.interval for cell in group])
        axes.bar(x, means, width, label=condition, ecolor="0.35", capsize=3,
                 yerr=[means - intervals[:, 0], intervals[:, 1] - means])
        for xi, cell in zip(x, group, strict=True):
            axes.scatter(np.full(len(cell.values), xi), cell.values, s=14, color="black",
                         edgecolors="white", linewidths=0.5, zorder=3)
    for i, test_set in enumerate(test_sets):
        if test_set.name in random_rates:
            axes.hlines(random_rates[test_set.name], i - 0.45, i + 0.45, colors="black",
                        linestyles="--", linewidths=1, zorder=4,
                        label=RANDOM_AGENT if i == 0 else None)
    axes.set_xticks(np.arange(len(test_sets)), [t.name for t in test_sets])
    axes.set(ylim=(0, 1.05), ylabel="win rate",
             title=f"{config.game}: test win rates ({CONFIDENCE:.0%} CI over seeds)")
    axes.legend(fontsize=8, title="trained on", loc="upper left", bbox_to_anchor=(1, 1))
    figure.savefig(path, dpi=120)
