"""The README's Python runs: every ```python block, each on its own as a reader would paste it,
in a fresh interpreter, headless, from an empty working directory (what a snippet writes, such
as a run directory, lands there)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from helpers import REPO

README = REPO / "README.md"
PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def python_blocks(text: str) -> list[tuple[int, str]]:
    """``(line number of the opening fence, code)`` of each ```python block of ``text``."""
    return [(text.count("\n", 0, match.start()) + 1, match.group(1))
            for match in PYTHON_BLOCK.finditer(text)]


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def run_block(code: str, cwd) -> subprocess.CompletedProcess:
    # One torch thread, as the tests train everywhere else: the machine is shared.
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_readme_has_its_python_examples():
    """The pattern finds them: the API, rendering, generated levels, other libraries and both
    ways of training from Python."""
    assert len(BLOCKS) >= 6
    assert all("import" in code for _, code in BLOCKS)


@pytest.mark.parametrize("line, code", BLOCKS, ids=[f"README.md:{line}" for line, _ in BLOCKS])
def test_readme_python_block_runs(line, code, tmp_path):
    result = run_block(code, tmp_path)
    assert result.returncode == 0, f"README.md:{line}\n{code}\n{result.stderr[-3000:]}"


def test_a_broken_block_fails(tmp_path):
    """The check can fail: a block whose last line raises is reported, not passed over."""
    _, code = BLOCKS[0]
    result = run_block(code + "env.step(99)\n", tmp_path)
    assert result.returncode != 0 and "99" in result.stderr
