"""Environments whose levels come from a level source (a callable called at every reset)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gvgai_py.envs import GVGAIEnv, builtin_level_path, load_level


def test_close_releases_the_level_source():
    """A callable level source with a ``close`` (e.g. a prefetching generator) is closed with
    the environment."""

    class ClosingSource:
        closed = False

        def __call__(self, rng):
            return load_level("zelda", 0)

        def close(self):
            self.closed = True

    source = ClosingSource()
    env = GVGAIEnv("zelda", level=source, size=(9, 13))
    env.reset(seed=0)
    env.close()
    assert source.closed


@pytest.mark.parametrize(
    ("returned", "error", "message"),
    [
        (None, TypeError, r"returned None, not a gvgai_py.Level"),
        ("wall\n", TypeError, r"returned 'wall\\n', not a gvgai_py.Level"),
        (load_level("frogs", 0), ValueError, r"returned a frogs level for a zelda environment"),
    ],
)
def test_a_level_source_returning_no_level_of_the_game_is_named_in_the_error(
    returned, error, message
):
    def source(rng):
        return returned

    env = GVGAIEnv("zelda", level=source, size=(30, 30))
    with pytest.raises(error, match=rf"level source <function .*source.*> {message}"):
        env.reset(seed=0)


# ---------------------------------------------------------------- a str level: a name or a path
ZELDA_LEVEL = builtin_level_path("zelda", 0).read_text()


@pytest.fixture
def pcg_file_in_cwd(tmp_path, monkeypatch):
    """A Zelda level file named ``pcg`` in the working directory."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pcg").write_text(ZELDA_LEVEL)
    return tmp_path / "pcg"


def test_a_file_named_like_a_level_source_does_not_change_what_the_name_means(pcg_file_in_cwd):
    env = GVGAIEnv("zelda", level="pcg", difficulty=0.0, prefetch=0)
    _, info = env.reset(seed=0)
    env.close()
    assert env.level_label == "pcg level"
    assert info["difficulty"] == 0.0 and info["level_seed"] is not None


@pytest.mark.parametrize("spec", ["./pcg", Path("pcg")], ids=["with a separator", "a Path"])
def test_a_path_like_level_names_the_file(pcg_file_in_cwd, spec):
    env = GVGAIEnv("zelda", level=spec)
    env.reset(seed=0)
    assert env.level == load_level("zelda", pcg_file_in_cwd)
    assert env.level_label == "pcg"


def test_a_bare_file_name_ending_in_txt_is_a_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.txt").write_text(ZELDA_LEVEL)
    env = GVGAIEnv("zelda", level="mine.txt")
    assert env.level.rows == load_level("zelda", 0).rows


def test_a_word_that_names_no_level_source_says_how_to_name_a_file(pcg_file_in_cwd):
    (pcg_file_in_cwd.parent / "mine").write_text(ZELDA_LEVEL)
    with pytest.raises(ValueError, match=r"no level source named 'mine'.*'\./mine'"):
        GVGAIEnv("zelda", level="mine")
