"""What a run found: the findings, the files read, and the counts the reports print."""

from __future__ import annotations

from dataclasses import dataclass, field

from meshlint.findings import Finding, Severity, Suppression
from meshlint.input.loader import SourceFile
from meshlint.rules import Rule

__all__ = ["Report"]


@dataclass(slots=True)
class Report:
    """What a run found. ``sources`` are all files read (the context); the counts
    (``files``, ``resources``, ``skipped_documents``) are of the files reported on (the
    scope), which is all of them unless a config or the command line narrows it."""

    findings: list[Finding]
    sources: list[SourceFile]
    resources: int
    skipped_documents: int
    rules: tuple[Rule, ...]
    internal_errors: int = 0
    tracebacks: list[str] = field(default_factory=list)
    # Findings that a suppression silenced: not reported, not counted, but kept for the
    # formats that record them (SARIF ``suppressions``, JUnit ``skipped``).
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)

    files: int = 0
    meshes: int = 1  # mesh units analysed (environments, overlays, charts)
    rendered: int = 0  # of ``sources``, how many are renderer output, not files
    renders: int = 0  # kustomize and Helm meshes: their inputs lie beyond the run key
    fixed: int | None = None  # problems --fix repaired before this report (None: no --fix)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def context_files(self) -> int:
        """Files read only to resolve references, beyond the reported ones."""
        return len(self.sources) - self.rendered - self.files
