"""The command line: ``meshlint [PATHS...]`` and its subcommands."""
