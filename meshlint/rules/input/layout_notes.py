"""Shared check for the layout rules: problems of the layout itself (a render that failed,
one that was not attempted) are reported by the engine from each mesh unit's notes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding
from meshlint.layout import Note
from meshlint.rules.base import Rule, report_at

__all__ = ["notes_to_findings", "reported_by_engine"]


def notes_to_findings(notes: Iterable[Note], rules: Iterable[Rule]) -> list[Finding]:
    """The findings of ``notes`` whose rule is among the selected ``rules``."""
    by_name = {rule.name: rule for rule in rules}
    return [
        report_at(by_name[n.rule], n.file, n.line, n.column, n.message)
        for n in notes
        if n.rule in by_name
    ]


def reported_by_engine(mesh: Mesh, options: dict) -> Iterator[Finding]:
    """The ``check`` of a layout rule: nothing to look for in the mesh itself."""
    return iter(())
