"""What happens to findings after the rules ran, in one place and in a fixed order:

1. suppressions written in the manifests (comments, annotations), and unused ones reported;
2. the report scope: a finding stays when its file, or the file at the other end of a
   cross-resource finding (``Finding.related``), is in scope;
3. ``per-file-ignores``;
4. severity overrides;
5. the baseline.

Rules never see any of this: they report everything they find, everywhere in the context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from meshlint.engine.baseline import Baseline, fingerprint
from meshlint.engine.suppressions import NEVER_SUPPRESSED, apply_suppressions
from meshlint.findings import Finding, Severity, Suppression
from meshlint.input.loader import SourceFile
from meshlint.input.resources import Resource
from meshlint.rules import Rule

__all__ = ["Policy", "apply_policy", "fingerprint_key"]

Suppressed = tuple[Finding, Suppression]


def _same(file: str) -> str:
    return file


@dataclass(frozen=True)
class Policy:
    scope: frozenset[str] | None = None  # files reported on; None: all
    severity: Mapping[str, Severity] = field(default_factory=dict)  # rule code -> severity
    # (matcher of file names, rule codes, the glob as written)
    per_file_ignores: tuple[tuple[Callable[[str], bool], frozenset[str], str], ...] = ()
    baseline: Baseline | None = None
    relative: Callable[[str], str] = _same  # file -> path relative to the project root
    # Policies loaded for this run beyond the registered rules (``rules-dirs``, ``--rules``):
    # suppressions may name them whether they are selected or not.
    declared: tuple[Rule, ...] = ()

    def in_scope(self, finding: Finding) -> bool:
        scope = self.scope
        if scope is None or finding.file in scope or finding.rule in NEVER_SUPPRESSED:
            return True
        return any(location.file in scope for location in finding.related)


def fingerprint_key(sources: Iterable[SourceFile], relative: Callable[[str], str]):
    """Fingerprint function for the baseline, reading offending lines from ``sources``."""
    lines = {source.path: source.lines for source in sources}

    def key(finding: Finding) -> str:
        text = lines.get(finding.file, [])
        line = text[finding.line - 1] if 0 < finding.line <= len(text) else ""
        return fingerprint(finding, relative(finding.file), line)

    return key


def apply_policy(
    findings: list[Finding],
    sources: list[SourceFile],
    resources: list[Resource],
    rules: tuple[Rule, ...],
    policy: Policy,
) -> tuple[list[Finding], list[Suppressed]]:
    """(reported findings, suppressed findings), both in scope."""
    kept, in_source = apply_suppressions(findings, sources, resources, rules, policy.declared)
    suppressed = [(f, Suppression("inSource", why)) for f, why in in_source if policy.in_scope(f)]
    kept = [f for f in kept if policy.in_scope(f)]
    if policy.per_file_ignores:
        remaining = []
        for finding in kept:
            why = _ignored_by(finding, policy)
            if why is None:
                remaining.append(finding)
            else:
                suppressed.append((finding, Suppression("external", why)))
        kept = remaining
    if policy.severity:
        kept = [_with_severity(f, policy.severity) for f in kept]
    if policy.baseline is not None:
        key = fingerprint_key(sources, policy.relative)
        protected = [f for f in kept if f.rule in NEVER_SUPPRESSED]
        candidates = [f for f in kept if f.rule not in NEVER_SUPPRESSED]
        kept, known = policy.baseline.split(candidates, key)
        kept += protected
        suppressed += [(f, Suppression("external", "in the baseline")) for f in known]
    kept.sort(key=lambda f: f.sort_key)
    suppressed.sort(key=lambda pair: pair[0].sort_key)
    return kept, suppressed


def _ignored_by(finding: Finding, policy: Policy) -> str | None:
    if finding.rule in NEVER_SUPPRESSED:
        return None
    for matches, codes, pattern in policy.per_file_ignores:
        if finding.code in codes and matches(finding.file):
            return f"per-file-ignores {pattern!r}"
    return None


def _with_severity(finding: Finding, overrides: Mapping[str, Severity]) -> Finding:
    severity = overrides.get(finding.code)
    if severity is None or severity == finding.severity:
        return finding
    return replace(finding, severity=severity)
