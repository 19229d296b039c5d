"""The errors that gvgai_agents raises when what it is given cannot be used.

Each message is one line for a person. A program that calls the library catches them by class;
the ``gvgai`` command prints the line and exits with status 2 (they are ValueErrors, which
:func:`gvgai_py.cli.main` reports so). Two errors of ``gvgai_py`` complete the set: a file or
folder the library must not or cannot write raises :class:`gvgai_py.outputs.OutputError`, a
level file that does not parse :class:`gvgai_py.level.LevelError`.
"""

from __future__ import annotations


class AgentsError(ValueError):
    """Input that gvgai_agents cannot use: the base of the classes below."""


class ConfigError(AgentsError):
    """Options of a training run, an evaluation or a study that are unknown, out of range or
    do not fit together, or that this machine or installation cannot honour (a CUDA device
    that torch does not see, Ray where it is not installed)."""


class LevelsError(AgentsError):
    """A ``--levels`` word that names no levels here, or levels a model cannot play."""


class ModelFileError(AgentsError):
    """A model file, checkpoint or run directory that cannot be read back: damaged, not
    written by gvgai, or missing a part that continuing the run needs."""


class RunsFailedError(Exception):
    """Some runs of a study failed while the others finished; the message names each failed
    run, its error and its log file, one per line after a headline."""
