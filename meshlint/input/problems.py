"""What the reading stage notices about a file, as typed records.

A problem says what went wrong (its ``ProblemKind``), where (0-based line and column) and why.
The reading stage knows nothing of rules: each input rule declares the kind of problem it
reports (``Rule.problem``), so the link goes from the rule to the problem, never back.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["ParseProblem", "ProblemKind"]


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
