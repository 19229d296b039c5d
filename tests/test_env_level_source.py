"""Environments whose levels come from a level source (a callable called at every reset)."""

from __future__ import annotations

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
