"""Every process a ``gvgai`` command starts ends with it: when the command is killed outright
(``kill -9``), and when Ctrl-C (SIGINT to the command's process group, as a terminal sends it)
stops it, which then exits with status 130 and one line, and no process prints a traceback.

The commands run as a user runs them, each in a session of its own (so that its process group
is its alone); their processes are found in ``/proc``.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").is_file(),
                                reason="finds processes in /proc (Linux)")

GVGAI = Path(sys.executable).with_name("gvgai")
GENERATOR = "gvgai_generators.generator_process"
"""In the command line of a level generator process."""
STARTING = 120
"""Seconds to wait for a command to start its processes (a few, unless the machine is busy):
only a bound on a hang, as is :data:`ENDING`."""
ENDING = 30
"""Seconds to wait for processes to end (they take less than one)."""
POLL = 0.1
PROGRESS_BAR = re.compile(r"\d+%\|")
TRAIN = ("train", "frogs", "--levels", "ppcg", "--n-envs", "2", "--vec-env", "subproc",
         "--steps", "1000000", "--checkpoint-every", "100", "--eval-every", "0",
         "--logdir", "runs", "--run-name", "r")
"""Training that never ends by itself: two forked env workers, each with a generator."""
STUDY = ("study", "frogs", "--jobs", "2", "--steps", "1000000", "--checkpoint-every", "64",
         "--episodes", "1", "--test-levels", "1", "--test-difficulties", "0.5",
         "--max-episode-steps", "20", "--out", "study")
"""A study whose runs never end by themselves, two at a time (add conditions and seeds)."""
PROGRAM = """
import os, time
import gymnasium as gym
from gvgai_py import env_id
env = gym.make(env_id("frogs"), level="pcg")
env.reset(seed=0)  # starts the level generator process
if os.fork() == 0:  # a child of the program's own, which inherits every pipe it holds
    time.sleep(600)
    os._exit(0)
time.sleep(600)
"""
"""A user's program playing generated levels."""

Processes = dict[int, str]
"""Processes by pid, with their start times (a pid can be reused)."""


def process_table() -> dict[int, tuple[int, str, str]]:
    """``{pid: (parent pid, state, start time)}`` of every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # ended meanwhile
                continue
            fields = stat[stat.rindex(")") + 2:].split()  # after the command's name
            table[int(entry.name)] = (int(fields[1]), fields[0], fields[19])
    return table


def descendants(pid: int) -> Processes:
    table = process_table()
    found: Processes = {}
    parents = [pid]
    while parents:
        parent = parents.pop()
        for child, (ppid, _, start) in table.items():
            if ppid == parent and child not in found:
                found[child] = start
                parents.append(child)
    return found


def running(processes: Processes) -> Processes:
    """Those still running; a zombie has ended (the init of a container may never reap it)."""
    table = process_table()
    return {pid: start for pid, start in processes.items()
            if pid in table and table[pid][2] == start and table[pid][1] not in "ZX"}


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return ""


def generators(processes: Processes) -> int:
    return sum(GENERATOR in command_line(pid) for pid in processes)


def wait_for(condition: Callable[[], bool], what: str, seconds: float = ENDING) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(POLL)


class Command:
    """A command started in a session of its own, its output in files."""

    def __init__(self, folder: Path, args: list[str]) -> None:
        self.folder = folder
        self.stderr = folder / "stderr.txt"
        with open(folder / "stdout.txt", "w") as out, open(self.stderr, "w") as err:
            self.process = subprocess.Popen(args, cwd=folder, stdout=out, stderr=err,
                                            start_new_session=True)
        self.seen: Processes = {}

    def wait_until(self, condition: Callable[[Processes], bool], what: str) -> Processes:
        """Every process it has started so far, once ``condition`` holds for those running;
        fails if it ends before."""

        def ready() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"ended ({self.process.returncode}) before {what}:\n"
                            + self.stderr.read_text()[-3000:])
            self.seen.update(descendants(self.process.pid))
            return condition(running(self.seen))

        wait_for(ready, what, STARTING)
        return dict(self.seen)

    def message_lines(self) -> list[str]:
        """Its stderr lines, progress bars left out."""
        lines = self.stderr.read_text().replace("\r", "\n").splitlines()
        return [line for line in lines if line.strip() and not PROGRESS_BAR.search(line)]

    def end(self) -> None:
        """Kill whatever is left of it (after a failure)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # its session: a user's child too
        for pid in running(self.seen):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def start(tmp_path) -> Iterator[Callable[..., Command]]:
    started: list[Command] = []

    def start_command(*args: str) -> Command:
        command = Command(tmp_path, [*args])
        started.append(command)
        return command

    yield start_command
    for command in started:
        command.end()


def kill_and_expect_all_gone(command: Command, processes: Processes) -> None:
    os.kill(command.process.pid, signal.SIGKILL)
    command.process.wait()
    wait_for(lambda: not running(processes),
             "the processes of a killed command to end: "
             + "; ".join(command_line(pid) for pid in running(processes)))


def interrupt(command: Command) -> list[str]:
    """Ctrl-C: its exit status must be 130; returns its message lines."""
    os.killpg(command.process.pid, signal.SIGINT)
    try:
        status = command.process.wait(timeout=ENDING)
    except subprocess.TimeoutExpired:
        pytest.fail("Ctrl-C did not stop it:\n" + "\n".join(command.message_lines()[-20:]))
    lines = command.message_lines()
    assert status == 130, lines[-20:]
    assert not any("Traceback" in line for line in lines), lines
    return lines


def checkpoints(folder: Path) -> set[Path]:
    return set(folder.glob("**/checkpoints/step_*.zip"))


def test_kill_9_of_train_ends_its_env_workers_and_their_generators(start):
    command = start(str(GVGAI), *TRAIN)
    processes = command.wait_until(lambda found: len(found) == 4 and generators(found) == 2,
                                   "2 env workers with their level generators")
    kill_and_expect_all_gone(command, processes)


def test_ctrl_c_stops_train_at_once_keeping_its_checkpoints(start, tmp_path):
    command = start(str(GVGAI), *TRAIN)
    processes = command.wait_until(
        lambda found: generators(found) == 2 and checkpoints(tmp_path), "a checkpoint")
    kept = checkpoints(tmp_path)
    lines = interrupt(command)
    assert len(lines) == 1
    newest = re.fullmatch(r"gvgai train: interrupted: stopped at step \d+; gvgai train "
                          r"--resume runs/r continues from (step_\d+\.zip)", lines[0])
    assert newest, lines[0]
    assert (tmp_path / "runs" / "r" / "checkpoints" / newest[1]).is_file()
    assert kept <= checkpoints(tmp_path)
    wait_for(lambda: not running(processes), "the env workers and generators to end")


def test_kill_9_of_study_ends_its_workers_and_all_theirs(start):
    command = start(str(GVGAI), *STUDY, "--conditions", "pcg:0.5", "--seeds", "2",
                    "--n-envs", "2", "--vec-env", "subproc")
    processes = command.wait_until(lambda found: generators(found) == 4,
                                   "2 runs, each with 2 env workers and their generators")
    kill_and_expect_all_gone(command, processes)


def test_ctrl_c_stops_a_study_at_once_cancelling_the_runs_not_started(start, tmp_path):
    command = start(str(GVGAI), *STUDY, "--conditions", "0+cpc", "--seeds", "4", "--n-envs", "1")
    runs = tmp_path / "study" / "runs" / "0+cpc"
    processes = command.wait_until(
        lambda found: {p.parent.parent.name for p in checkpoints(runs)} == {"s0", "s1"},
        "a checkpoint of both runs started")
    kept = checkpoints(runs)
    lines = interrupt(command)
    assert len(lines) == 1 and lines[0].startswith("gvgai study: interrupted: "), lines
    assert sorted(path.name for path in runs.iterdir()) == ["s0", "s0.log", "s1", "s1.log"]
    assert kept <= checkpoints(runs)
    wait_for(lambda: not running(processes), "the workers to end")


def test_kill_9_of_a_program_ends_its_level_generator_despite_a_forked_child(start):
    """The forked child holds the generator's pipes: the generator must not wait for it."""
    command = start(sys.executable, "-c", PROGRAM)
    processes = command.wait_until(lambda found: generators(found) == 1 and len(found) == 2,
                                   "the level generator and the forked child")
    generator = {pid: t for pid, t in processes.items() if GENERATOR in command_line(pid)}
    kill_and_expect_all_gone(command, generator)


def test_subprocess_envs_close_after_ctrl_c_stopped_a_step_midway():
    """Ctrl-C can stop ``step_wait`` after it read some workers' replies: closing must not
    wait for those again (SB3's ``SubprocVecEnv.close`` would, forever)."""
    from gvgai_agents.config import TrainConfig
    from gvgai_agents.train import Levels, make_training_env

    config = TrainConfig(game="frogs", levels="0", n_envs=2, vec_env="subproc")
    env = make_training_env(config, Levels.of(config), seed=0)
    env.reset()
    env.step_async(np.zeros(2, dtype=np.int64))
    env.remotes[0].recv()  # the first reply, read before Ctrl-C stopped step_wait
    closing = threading.Thread(target=env.close, daemon=True)
    closing.start()
    closing.join(ENDING)
    assert not closing.is_alive()
    assert not any(process.is_alive() for process in env.processes)


@pytest.mark.parametrize("arrange", ["die_with_parent", "watch_parent"])
def test_a_process_whose_parent_ended_before_it_arranged_to_end_with_it_ends_at_once(arrange):
    """A parent killed while its child was still starting up: by the time the child names it
    as the parent to end with, the child has been adopted by another process."""
    from gvgai_py.processes import ORPHANED

    ended = subprocess.Popen(["true"])
    ended.wait()
    script = (f"import time\nfrom gvgai_py.processes import {arrange}\n"
              f"{arrange}({ended.pid})\ntime.sleep(600)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=ENDING)
    assert (done.returncode, done.stderr) == (ORPHANED, "")
