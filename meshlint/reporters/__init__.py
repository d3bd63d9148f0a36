"""Reporters: turn a report into text for people or a machine format. They know nothing of
YAML or rules beyond the metadata they are given."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from meshlint.engine import Report
from meshlint.reporters import json_format, text

__all__ = ["FORMATS", "Reporter"]

Reporter = Callable[[Report, TextIO, bool], None]  # (report, stream, colour)

FORMATS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_format.render,
}
