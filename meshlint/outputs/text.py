"""The text report for people: one line per finding (``path:line:col severity code name
message``), grouped by file, the source line under each finding, and a summary."""

from __future__ import annotations

import re
from itertools import groupby
from typing import TextIO

from rich.console import Console
from rich.text import Text

from meshlint.engine.report import Report
from meshlint.findings import Finding, Severity

__all__ = ["render"]

_TOKEN = re.compile(r"\"[^\"]*\"|'[^']*'|[^\s,\]}]+")
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _excerpt(finding: Finding, lines: list[str]) -> list[Text]:
    index = finding.line - 1
    if not 0 <= index < len(lines):
        return []
    source = lines[index].rstrip("\n").expandtabs(1)
    if len(source) > 160:
        source = source[:157] + "..."
    number = str(finding.line)
    gutter = " " * len(number)
    token = _TOKEN.match(source, finding.column - 1) if finding.column > 0 else None
    marker = "^" * max(1, min(len(token[0]) if token else 1, 40))
    caret = Text(f"   {gutter} | {' ' * (finding.column - 1)}")
    caret.append(marker, style=_STYLE[finding.severity])
    return [Text(f"   {number} | ", style="dim") + Text(source), caret]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(report: Report, stream: TextIO, colour: bool = False) -> None:
    console = Console(
        file=stream,
        no_color=not colour,
        color_system="auto" if colour else None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=True,
        force_terminal=colour or None,
    )
    sources = {source.path: source for source in report.sources}
    for file, group in groupby(report.findings, key=lambda f: f.file):
        source = sources.get(file)
        lines = source.lines if source is not None else []
        for finding in group:
            line = Text()
            line.append(f"{finding.file}:{finding.line}:{finding.column}", style="bold")
            line.append(" ")
            line.append(str(finding.severity), style=_STYLE[finding.severity])
            line.append(" ")
            line.append(finding.code, style="bold")
            line.append(f" {finding.rule} ")
            if report.meshes > 1 and finding.mesh:
                line.append(f"[{finding.mesh}] ", style="bold")
            line.append(finding.message)
            console.print(line)
            for excerpt in _excerpt(finding, lines):
                console.print(excerpt)
        console.print()
    errors = report.count(Severity.ERROR)
    warnings = report.count(Severity.WARNING)
    infos = report.count(Severity.INFO)
    scope = f"{_plural(report.files, 'file')}, {_plural(report.resources, 'resource')}"
    if report.skipped_documents:
        scope += f", {report.skipped_documents} non-Kubernetes document(s) skipped"
    if report.meshes > 1:
        scope += f" in {report.meshes} meshes"
    if report.context_files:
        scope += f" ({_plural(report.context_files, 'more file')} read for context)"
    if report.findings:
        summary = Text(
            f"Found {_plural(len(report.findings), 'problem')} "
            f"({_plural(errors, 'error')}, {_plural(warnings, 'warning')}, "
            f"{_plural(infos, 'info')}) in {scope}.",
            style="bold",
        )
    else:
        summary = Text(f"No problems found in {scope}.", style="bold green")
    console.print(summary)
    if report.fixed is not None:
        remaining = len(report.findings)
        console.print(
            Text(f"Fixed {_plural(report.fixed, 'problem')} ({remaining} remaining).", style="bold")
        )
