"""Reporters: turn a report into text for people or a machine format. They know nothing of
YAML or rules beyond the metadata they are given.

A reporter is one module with ``render(report, stream, colour)``; register it in ``FORMATS``
(format name -> module name). Modules are imported when their format is asked for, so a run
that prints JSON does not load rich. Only the formats in ``FOR_PEOPLE`` are ever given
``colour=True``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from meshlint.engine.report import Report

__all__ = ["FORMATS", "FOR_PEOPLE", "Reporter", "renderer"]

Reporter = Callable[["Report", TextIO, bool], None]  # (report, stream, colour)

FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
}
FOR_PEOPLE = frozenset({"text"})


def renderer(format_name: str) -> Reporter:
    """The ``render`` function of a format's module."""
    module = importlib.import_module(f"meshlint.outputs.{FORMATS[format_name]}")
    return module.render
