"""Reporters: turn a report into text for people or a machine format. They know nothing of
YAML or rules beyond the metadata they are given.

A reporter is one module with ``render(report, stream, colour)``; register it in ``FORMATS``.
Only the formats in ``FOR_PEOPLE`` are ever given ``colour=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from meshlint.engine import Report
from meshlint.reporters import github, json_format, junit, sarif, text

__all__ = ["FORMATS", "FOR_PEOPLE", "Reporter"]

Reporter = Callable[[Report, TextIO, bool], None]  # (report, stream, colour)

FORMATS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
}
FOR_PEOPLE = frozenset({"text"})
