"""Shared check for the input rules: problems found while reading files become findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding
from meshlint.rules.base import Rule, report_at

__all__ = ["problems_of"]


def problems_of(rule: Rule) -> Callable[[Mesh, dict], Iterator[Finding]]:
    """A ``check`` that reports the loader's problems filed under ``rule.name``."""

    def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
        for source in mesh.sources:
            for problem in source.problems:
                if problem.kind == rule.name:
                    yield report_at(
                        rule, source.path, problem.line, problem.column, problem.message
                    )

    return check
