"""``--statistics``: how many findings each rule reported, most frequent first."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from meshlint.engine.report import Report

__all__ = ["render"]


def render(report: Report, stream: TextIO, colour: bool = False) -> None:
    counts = Counter((f.code, f.rule) for f in report.findings)
    if not counts:
        return
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    code_width = max(len(code) for code, _ in counts)
    name_width = max(len(name) for _, name in counts)
    count_width = max(len(str(n)) for n in counts.values())
    for (code, name), count in rows:
        stream.write(f"{code:<{code_width}}  {name:<{name_width}}  {count:>{count_width}}\n")
