"""One module per ``gvgai`` subcommand (see ``gvgai_py.cli``)."""
