"""Every process we start ends with the process that started it, even one killed outright.

A process killed with SIGKILL (``kill -9``, the out-of-memory killer) runs no cleanup, and its
children may never notice: a child blocked reading a pipe waits forever while another process
(a forked sibling) still holds the pipe's other end. So each process we start arranges its own
end when its parent ends (:func:`die_with_parent`, :func:`watch_parent`); the helper processes
of a command also leave Ctrl-C to it (:func:`become_helper`, :func:`interrupts_held`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType

PARENT_POLL_SECONDS = 0.2
"""How often :func:`watch_parent` looks at the parent: about how long an orphan outlives it."""
PR_SET_PDEATHSIG = 1
"""The Linux ``prctl`` option that names the signal a process gets when its parent ends."""
ORPHANED = 1
"""Exit status of a process that ends because its parent has."""


def die_with_parent(parent: int | None = None) -> None:
    """End this process as soon as its parent ends, however the parent ends.

    ``parent``: the pid of the process that started this one, when the caller knows it, so
    that a parent that ended before this call is noticed too (this process has been adopted
    by another one by then). On Linux the kernel kills this process (``PR_SET_PDEATHSIG``),
    but as soon as the parent *thread* that started it ends: use it only in processes started
    by a thread that lives as long as its process, such as the main thread, and
    :func:`watch_parent` in others. Elsewhere it falls back to :func:`watch_parent`.
    """
    parent = os.getppid() if parent is None else parent
    if not _kill_me_with_parent():
        watch_parent(parent)
    elif os.getppid() != parent:
        os._exit(ORPHANED)


def watch_parent(parent: int) -> None:
    """End this process within :data:`PARENT_POLL_SECONDS` of its parent ``parent`` ending
    (a process whose parent ends is adopted by another: init, or a subreaper), with a daemon
    thread that polls. Unlike :func:`die_with_parent` on Linux, it does not matter which
    thread of the parent started this process."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(ORPHANED)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def become_helper(
    parent: int | None = None,
    on_interrupt: Callable[[int, FrameType | None], object] | int = signal.SIG_IGN,
) -> None:
    """Make this process a helper of its parent: it dies with it (:func:`die_with_parent`,
    same ``parent``) and ignores SIGINT, or handles it with ``on_interrupt``.

    Ctrl-C sends SIGINT to every process of the terminal's foreground process group: a helper
    that stopped at once would print a traceback and could leave its parent waiting for it,
    so the parent stops its helpers in order (closing or killing them); a helper that has
    work to wind up itself handles SIGINT with ``on_interrupt``. A SIGINT held back while
    this process started (:func:`interrupts_held`) reaches it here.
    """
    die_with_parent(parent)
    signal.signal(signal.SIGINT, on_interrupt)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Block SIGINT in this thread while it starts helper processes: they inherit the block,
    so that a Ctrl-C while one starts up waits until it ignores SIGINT or handles it
    (:func:`become_helper`) instead of stopping it with a traceback. This process still gets
    it (through another of its threads, or at the end of the block)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks, and no fork
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _kill_me_with_parent() -> bool:
    """Ask Linux for SIGKILL when the parent thread ends; False where that is not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0
    except (OSError, AttributeError):  # no C library symbols, or no prctl in them
        return False
