"""Environments whose levels come from a level source (a callable called at every reset)."""

from __future__ import annotations

import pytest

from gvgai_py.envs import GVGAIEnv, load_level


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
