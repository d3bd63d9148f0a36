"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per
finding, which GitHub shows as an annotation on the file and line of a pull request.

GitHub reads ``%``, CR and LF in the message as escapes (``%25``, ``%0D``, ``%0A``) and, in
the properties (``file``, ``title``...), also ``:`` and ``,``; everything is escaped so a
message can never end a command early or start another one.
"""

from __future__ import annotations

from typing import TextIO

from meshlint.engine.report import Report
from meshlint.findings import Finding, Severity
from meshlint.outputs.paths import is_pseudo, portable_path

__all__ = ["command", "escape_data", "escape_property", "render"]

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    properties = []
    path = portable_path(finding.file)
    if not is_pseudo(path):
        properties += [("file", path), ("line", str(finding.line))]
        if finding.column > 0:
            properties.append(("col", str(finding.column)))
    properties.append(("title", f"{finding.code} {finding.rule}"))
    message = finding.message
    for related in finding.related:
        where = f"{portable_path(related.file)}:{related.line}:{related.column}"
        message += f"\n{where}: {related.message}"
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMAND[finding.severity]} {joined}::{escape_data(message)}"


def render(report: Report, stream: TextIO, colour: bool = False) -> None:
    for finding in report.findings:
        stream.write(command(finding) + "\n")
