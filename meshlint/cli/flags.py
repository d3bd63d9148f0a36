"""Command-line flags made from the declared options (``meshlint.config.options``), and the
values they were given, by config key, for ``prepare`` to put over the config file's.

A flag's spelling, metavar, help and choices come from its option; so does what it means:
a list flag is repeatable and takes comma-separated values (unless its option says its values
hold commas), a switch sets its option's ``flag_value``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

from meshlint.config.options import SWITCH, TEXTS, Option, declared

__all__ = ["add_flags", "flag_options", "given"]


def flag_options(cls: type, *names: str) -> tuple[Option, ...]:
    """The options of ``cls`` that have a flag: those named (field names), or all of them."""
    options = {option.name: option for option in declared(cls) if option.flag}
    return tuple(options[name] for name in names) if names else tuple(options.values())


def add_flags(parser: argparse.ArgumentParser, options: Iterable[Option]) -> None:
    """Add each option's flag to ``parser``; a flag not given is stored as None."""
    for option in options:
        assert option.flag is not None
        kwargs: dict[str, Any] = {"help": option.flag_help or option.help}
        if option.kind is SWITCH:
            kwargs.update(action="store_const", const=option.flag_value, default=None)
        else:
            if option.kind is TEXTS:
                kwargs["action"] = "append"
            if option.kind.choices is not None:
                kwargs["choices"] = option.kind.choices
            if option.metavar is not None:
                kwargs["metavar"] = option.metavar
        parser.add_argument(option.flag, **kwargs)


def given(args: argparse.Namespace, options: Iterable[Option]) -> dict[str, Any]:
    """The flags' values by config key; None where a flag was not given. Raises
    ``ValueError`` for a value the option's ``flag_check`` refuses."""
    values: dict[str, Any] = {}
    for option in options:
        value = getattr(args, str(option.dest))
        if value is not None and option.kind is TEXTS:
            if option.split:
                value = [part.strip() for item in value for part in item.split(",")]
                value = [part for part in value if part] or None
            if value and option.adds:
                value = (*option.default, *value)
        if value is not None and option.flag_check is not None:
            problem = option.flag_check(value)
            if problem:
                raise ValueError(f"{option.flag} {value}: {problem}")
        values[option.key] = value
    return values
