"""Findings: small immutable records, ordered by position (yamllint's LintProblem, flake8's
Violation). One engine decides selection, severity and suppression; rules only create them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from meshlint.input.resources import ResourceRef

__all__ = ["Finding", "Location", "Severity", "Suppression"]


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (error, warning or info)") from None


@dataclass(frozen=True, slots=True)
class Location:
    """Another place a finding is about (the other end of a reference). 1-based."""

    file: str
    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    rule: str
    severity: Severity
    message: str
    file: str
    line: int  # 1-based
    column: int  # 1-based
    resource: ResourceRef | None = None
    field: str | None = None
    refs: tuple[str, ...] = ()
    related: tuple[Location, ...] = ()
    # The mesh (environment, overlay, chart) the finding was made in; see meshlint.layout.
    mesh: str | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.message)


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is silenced. ``kind`` follows SARIF: ``"inSource"`` for a comment or an
    annotation in the manifests, ``"external"`` for the config file or a baseline."""

    kind: str
    justification: str = ""
