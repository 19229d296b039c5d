"""The ``gvgai`` command: one entry point, one module per subcommand.

Each subcommand module exposes ``add_parser(subparsers)`` (which sets ``func`` on its parser).
This package's own are listed in :data:`SUBCOMMANDS`; the generators and agents packages add
theirs through the ``gvgai_py.commands`` entry-point group (see ``pyproject.toml``), so that
``gvgai_py`` never imports them. Expected failures become one line on stderr with exit status
2, never a traceback: a subcommand module raises :class:`CLIError`, library code its own errors
(ValueErrors such as :class:`~gvgai_py.level.LevelError` and those of ``gvgai_agents.errors``,
:class:`~gvgai_py.outputs.OutputError`, or an OSError for a file that cannot be read or written).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from types import ModuleType

from gvgai_py.level import LevelError
from gvgai_py.outputs import OutputError

SUBCOMMANDS = ("gvgai_py.commands.play", "gvgai_py.commands.render")
COMMAND_GROUP = "gvgai_py.commands"


def subcommand_modules() -> list[ModuleType]:
    """This package's subcommand modules, then the installed plugins' in name order."""
    modules = [importlib.import_module(name) for name in SUBCOMMANDS]
    plugins = sorted(entry_points(group=COMMAND_GROUP), key=lambda ep: ep.name)
    return modules + [plugin.load() for plugin in plugins]


class CLIError(Exception):
    """A problem with the user's input, reported as one line on stderr (exit status 2)."""


def build_parser() -> argparse.ArgumentParser:
    from gvgai_py import __version__

    parser = argparse.ArgumentParser(prog="gvgai", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"gvgai_py {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in subcommand_modules():
        module.add_parser(subparsers)
    return parser


def describe(err: Exception) -> str:
    """The one line that reports ``err``: an OSError by its file and reason (``x.json:
    Permission denied``, not ``[Errno 13] ...``), anything else by its message."""
    if isinstance(err, OSError) and err.strerror:
        files = " -> ".join(str(f) for f in (err.filename, err.filename2) if f is not None)
        return f"{files}: {err.strerror}" if files else err.strerror
    return str(err)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CLIError, LevelError, OutputError, OSError, ValueError) as err:
        print(f"gvgai {args.command}: error: {describe(err)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as interrupt:
        # A command may say what it kept and how to go on (``KeyboardInterrupt(message)``),
        # in this same line.
        detail = f": {interrupt}" if interrupt.args else ""
        print(f"gvgai {args.command}: interrupted{detail}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    # Run through the imported module: as ``__main__`` this file would define a second
    # CLIError class that the subcommands (importing ``gvgai_py.cli``) never raise.
    from gvgai_py import cli

    sys.exit(cli.main())
