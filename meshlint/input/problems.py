"""What the reading stage notices about a file, as typed records.

A problem says what went wrong (its ``ProblemKind``), where (0-based line and column) and why.
The reading stage knows nothing of rules: each input rule declares the kind of problem it
reports (``Rule.problem``), so the link goes from the rule to the problem, never back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import yaml

__all__ = ["ParseProblem", "ProblemKind", "ProblemLog"]


class ProblemKind(Enum):
    """A kind of reading problem. The value is its label in messages ("12 more
    duplicate-key problems in this file are not shown")."""

    UNREADABLE = "unreadable-file"  # not a regular file, or it cannot be opened
    DECODE = "decode-error"  # not UTF-8 text
    SYNTAX = "yaml-syntax"  # not valid YAML
    HELM_TEMPLATE = "helm-template"  # an unrendered Go template
    DUPLICATE_KEY = "duplicate-key"  # a mapping repeats a key
    TAG = "yaml-tag"  # a tag that is not a Kubernetes type (never constructed)
    LIMIT = "yaml-limit"  # a bound against hostile input (size, documents, nesting, nodes)


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Something the reading stage noticed, at a 0-based position of the file."""

    kind: ProblemKind
    line: int
    column: int
    message: str


class ProblemLog:
    """Collects a file's problems, keeping at most ``limit`` of each kind so that a file of
    100,000 duplicate keys yields a readable report, not 100,000 findings."""

    __slots__ = ("counts", "items", "limit")

    def __init__(self, items: list[ParseProblem], limit: int) -> None:
        self.items = items
        self.limit = limit
        self.counts: dict[ProblemKind, int] = {}

    def add(self, kind: ProblemKind, mark: yaml.Mark | None, message: str) -> None:
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        self.add_at(kind, line, column, message)

    def add_at(self, kind: ProblemKind, line: int, column: int, message: str) -> None:
        count = self.counts.get(kind, 0) + 1
        self.counts[kind] = count
        if count <= self.limit:
            self.items.append(ParseProblem(kind, line, column, message))

    def close(self) -> None:
        for kind, count in self.counts.items():
            if count > self.limit:
                first = next(p for p in self.items if p.kind is kind)
                more = f"{count - self.limit} more {kind.value} problems in this file are not shown"
                self.items.append(ParseProblem(kind, first.line, first.column, more))
