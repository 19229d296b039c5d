"""The distribution's import names: all begin with gvgai, so a user's own ``generators``,
``agents`` or ``levels`` package neither shadows ours nor is shadowed by it."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DECOYS = ("generators", "agents", "levels")
IMPORT_NAMES = {"gvgai_py": "gvgai_py", "generators": "gvgai_generators",
                "agents": "gvgai_agents", "levels": "gvgai_levels"}
"""The import name of each of the repository's top-level package folders."""


def test_the_wheel_installs_only_import_names_that_begin_with_gvgai(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for folder in ("gvgai_py", *DECOYS):
        shutil.copytree(REPO / folder, source / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "--wheel-dir", str(tmp_path / "dist"), str(source)],
                   check=True, capture_output=True, timeout=300)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    top_level = {name.split("/")[0] for name in names}
    modules = {name for name in top_level if not name.endswith(".dist-info")}
    assert modules == {"gvgai_py", "gvgai_generators", "gvgai_agents", "gvgai_levels"}
    assert "gvgai_levels/zelda/lvl0.txt" in names
    # Every subpackage too: setuptools installs only the packages pyproject.toml lists.
    packages = {"/".join((IMPORT_NAMES[init.parts[0]], *init.parts[1:]))
                for folder in IMPORT_NAMES for init in
                (path.relative_to(source) for path in (source / folder).rglob("__init__.py"))}
    assert packages <= names, sorted(packages - names)


@pytest.fixture
def decoy_path(tmp_path) -> dict[str, str]:
    """An environment whose ``PYTHONPATH`` starts with a user's own ``generators``, ``agents``
    and ``levels`` packages, which fail loudly if anything imports them."""
    for name in DECOYS:
        package = tmp_path / "decoys" / name
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(f"raise ImportError('the user\\'s {name} imported')\n")
    return {**os.environ, "PYTHONPATH": str(tmp_path / "decoys"), "SDL_VIDEODRIVER": "dummy"}


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    completed = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True,
                               timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


def test_generated_levels_ignore_a_users_packages_of_the_same_names(decoy_path, tmp_path):
    code = ("import gymnasium as gym, gvgai_py\n"
            "env = gym.make('gvgai/Zelda-v0', level='pcg', prefetch=1)\n"
            "env.reset(seed=0)\n"
            "env.close()\n")
    run([sys.executable, "-c", code], decoy_path, tmp_path)


def test_train_and_study_ignore_a_users_packages_of_the_same_names(decoy_path, tmp_path):
    gvgai = [sys.executable, "-m", "gvgai_py.cli"]
    run([*gvgai, "train", "zelda", "--levels", "pcg:0", "--steps", "32", "--n-envs", "1",
         "--eval-every", "0", "--logdir", str(tmp_path / "runs"), "--run-name", "r"],
        decoy_path, tmp_path)
    assert (tmp_path / "runs" / "r" / "model.zip").is_file()
    run([*gvgai, "study", "zelda", "--conditions", "0", "--seeds", "1", "--smoke",
         "--out", str(tmp_path / "study")], decoy_path, tmp_path)
    assert (tmp_path / "study" / "results.csv").is_file()
