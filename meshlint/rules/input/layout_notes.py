"""Shared check for the layout rules: problems of the layout itself (a render that failed,
one that was not attempted) are reported by the engine from each mesh unit's notes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding
from meshlint.layout import Note, NoteKind
from meshlint.rules.base import Rule, report_at

__all__ = ["notes_to_findings", "reported_by_engine"]


def notes_to_findings(notes: Iterable[Note], rules: Iterable[Rule]) -> list[Finding]:
    """The findings of ``notes`` whose kind a selected rule reports (``Rule.problem``)."""
    by_kind = {rule.problem: rule for rule in rules if isinstance(rule.problem, NoteKind)}
    return [
        report_at(by_kind[n.kind], n.file, n.line, n.column, n.message)
        for n in notes
        if n.kind in by_kind
    ]


def reported_by_engine(mesh: Mesh, options: dict) -> Iterator[Finding]:
    """The ``check`` of a layout rule: nothing to look for in the mesh itself."""
    return iter(())
