"""Findings: small immutable records, ordered by position (yamllint's LintProblem, flake8's
Violation). One engine decides selection, severity and suppression; rules only create them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum, IntEnum

from meshlint.input.resources import ResourceRef

__all__ = ["Edit", "Finding", "Fix", "FixSafety", "Location", "Severity", "Suppression"]


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


class FixSafety(Enum):
    """Whether a repair keeps what the mesh does (ruff's applicability). A rule declares the
    fixes it can make: ``NONE``, ``SAFE``, ``UNSAFE`` or ``MIXED`` (safe in some cases,
    unsafe in others); each ``Fix`` is ``SAFE`` or ``UNSAFE``. A safe fix never changes how
    traffic is routed, secured or observed beyond what the finding asks; an unsafe one may,
    and is applied only with ``--unsafe-fixes``."""

    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"
    MIXED = "mixed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to a YAML node, addressed by its path of keys and indexes from the
    resource's body (what ``Finding.field`` names).

    ``set``: the value at ``path`` becomes ``value`` (a scalar, or a small mapping written
    in flow style); ``rename``: the key at the end of ``path`` becomes ``key``, its value
    kept; ``delete``: the mapping entry at ``path`` is removed; ``insert``: the mapping at
    ``path`` gains the entry ``key: value`` after its last one."""

    op: str
    path: tuple[object, ...]
    value: object = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class Fix:
    """A repair, as data: the rule says what to change, ``meshlint.fix`` edits the file.
    ``document`` and ``item`` locate the resource in ``file`` (``item``: its index in a
    ``kind: List`` document's items, else -1)."""

    file: str
    document: int
    item: int
    edits: tuple[Edit, ...]
    safety: FixSafety
    title: str  # what the fix does, for the diff summary: "set weight to 100"


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
    # The repair the rule offers; not part of the finding's identity (two meshes that report
    # the same finding are one finding, whichever offers the repair).
    fix: Fix | None = dataclasses.field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.message)


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding is silenced. ``kind`` follows SARIF: ``"inSource"`` for a comment or an
    annotation in the manifests, ``"external"`` for the config file or a baseline."""

    kind: str
    justification: str = ""
