"""Shared check for the input rules: problems found while reading files become findings."""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding
from meshlint.rules.base import Rule, report_at

__all__ = ["reading_problems"]


def reading_problems(rule: Rule, mesh: Mesh) -> Iterator[Finding]:
    """The reading problems of the kind ``rule.problem``, as findings of ``rule``."""
    for source in mesh.sources:
        for problem in source.problems:
            if problem.kind is rule.problem:
                yield report_at(rule, source.path, problem.line, problem.column, problem.message)
