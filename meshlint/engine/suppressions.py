"""Suppressions: findings the manifests themselves ask not to see.

* a comment on the offending line, ``# meshlint: disable=dangling-subset`` (on a line of its
  own it covers the next line, like ``# meshlint: disable-next-line=...``);
* a file-level comment, ``# meshlint: disable-file=ML102,weight-sum``;
* the annotation ``meshlint.io/ignore: "rule-a,rule-b"`` on a resource;
* Istio's ``galley.istio.io/analyze-suppress: "IST0101,IST0102"`` (``*`` for all) and Kiali's
  ``kiali.io/ignore-validations: "KIA1107"`` (empty for all), for the rules that carry those
  refs. Spaces around the codes are ignored (Istio compares them verbatim).

Rule names and codes are both accepted. A meshlint suppression that silences nothing, or names
no rule, is reported as ``unused-suppression`` (when the rule it names ran). Istio's and Kiali's
annotations belong to those tools too, so they are never reported as unused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from meshlint.findings import Finding
from meshlint.input.loader import SourceFile
from meshlint.input.resources import Resource, ResourceRef
from meshlint.rules import RULES, Rule, find_rule
from meshlint.rules.base import report, report_at, suggest

__all__ = ["ISTIO_ANNOTATION", "KIALI_ANNOTATION", "MESHLINT_ANNOTATION", "apply_suppressions"]

MESHLINT_ANNOTATION = "meshlint.io/ignore"
ISTIO_ANNOTATION = "galley.istio.io/analyze-suppress"
KIALI_ANNOTATION = "kiali.io/ignore-validations"
UNUSED = find_rule("unused-suppression")
NEVER_SUPPRESSED = frozenset({"internal-error"})

_DIRECTIVE = re.compile(
    r"#\s*meshlint:\s*(?P<kind>disable-file|disable-next-line|disable)\s*=\s*"
    r"(?P<tokens>[\w.-]+(?:\s*,\s*[\w.-]+)*)"
)
_TOKEN = re.compile(r"[\w.-]+")


@dataclass(eq=False, slots=True)
class Directive:
    """One rule (or ref) named by one suppression."""

    origin: str  # "comment", "annotation", "istio", "kiali"
    token: str
    file: str
    line: int  # 1-based, where an unused one is reported
    column: int
    lines: frozenset[int] | None = None  # the lines covered; None for the whole file
    resource: ResourceRef | None = None  # for annotations
    owner: Resource | None = None
    rule: Rule | None = None
    used: bool = False
    text: str = ""  # the comment or annotation as written, for reports

    def covers(self, finding: Finding) -> bool:
        if finding.file != self.file:
            return False
        if self.resource is not None and finding.resource != self.resource:
            return False
        if self.lines is not None and finding.line not in self.lines:
            return False
        if self.origin == "istio":
            return _names_ref(self.token, "*", "IST", finding.refs)
        if self.origin == "kiali":
            return _names_ref(self.token, "", "KIA", finding.refs)
        return self.rule is not None and self.rule.code == finding.code


def _names_ref(token: str, everything: str, prefix: str, refs: tuple[str, ...]) -> bool:
    if token == everything:
        return any(ref.startswith(prefix) for ref in refs)
    return token in refs


def comment_directives(source: SourceFile) -> list[Directive]:
    if "meshlint:" not in source.text:
        return []
    lines = source.lines
    directives = []
    for index, text in enumerate(lines):
        match = _DIRECTIVE.search(text)
        if match is None:
            continue
        kind = match["kind"]
        own_line = text.lstrip().startswith("#")
        if kind == "disable-file":
            covered = None
        elif kind == "disable-next-line" or own_line:
            covered = frozenset({_next_code_line(lines, index)})
        else:
            covered = frozenset({index + 1})
        for token in _TOKEN.finditer(match["tokens"]):
            column = match.start("tokens") + token.start() + 1
            directive = Directive("comment", token[0], source.path, index + 1, column, covered)
            directive.text = match[0]
            directives.append(directive)
    return directives


def _next_code_line(lines: list[str], index: int) -> int:
    for later in range(index + 1, len(lines)):
        stripped = lines[later].strip()
        if stripped and not stripped.startswith("#"):
            return later + 1
    return index + 2


def annotation_directives(resource: Resource) -> list[Directive]:
    directives = []
    for key, origin in (
        (MESHLINT_ANNOTATION, "annotation"),
        (ISTIO_ANNOTATION, "istio"),
        (KIALI_ANNOTATION, "kiali"),
    ):
        value = resource.annotations.get(key)
        if value is None:
            continue
        line, column = resource.locate(("metadata", "annotations", key))
        # Kiali: an empty value ignores every validation
        tokens = [t.strip() for t in value.split(",") if t.strip()] or [""]
        if origin != "kiali" and tokens == [""]:
            continue
        for token in tokens:
            directives.append(
                Directive(
                    origin,
                    token,
                    resource.source.path,
                    line + 1,
                    column + 1,
                    resource=resource.ref,
                    owner=resource,
                    text=f"{key}: {value!r}",
                )
            )
    return directives


def apply_suppressions(
    findings: Iterable[Finding],
    sources: Iterable[SourceFile],
    resources: Iterable[Resource],
    rules: Iterable[Rule],
    declared: tuple[Rule, ...] = (),
) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """Split findings into (kept, suppressed with the suppression's description); adds an
    ``unused-suppression`` finding for each meshlint suppression that silenced nothing.
    Suppressions name registered rules or the run's ``declared`` policies."""
    directives = [d for s in sources for d in comment_directives(s)]
    directives += [d for r in resources if r.annotations for d in annotation_directives(r)]
    if not directives:
        return list(findings), []
    by_file: dict[str, list[Directive]] = {}
    known = (*RULES, *declared) if declared else None
    for directive in directives:
        if directive.origin in ("comment", "annotation"):
            directive.rule = find_rule(directive.token, known)
        by_file.setdefault(directive.file, []).append(directive)
    kept, suppressed = _split(findings, by_file, mark=True)
    ran = {rule.code for rule in rules}
    if UNUSED is not None and UNUSED.code in ran:
        unused = [_unused(d, known or RULES) for d in directives if _is_unused(d, ran)]
        more_kept, more_suppressed = _split(unused, by_file, mark=False)
        kept += more_kept
        suppressed += more_suppressed
    return kept, suppressed


def _split(
    findings: Iterable[Finding], by_file: dict[str, list[Directive]], mark: bool
) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    kept, suppressed = [], []
    for finding in findings:
        covering = [] if finding.rule in NEVER_SUPPRESSED else by_file.get(finding.file, ())
        hits = [d for d in covering if d.covers(finding)]
        if not hits:
            kept.append(finding)
            continue
        if mark:
            for directive in hits:
                directive.used = True
        suppressed.append((finding, hits[0].text))
    return kept, suppressed


def _is_unused(directive: Directive, ran: set[str]) -> bool:
    if directive.origin not in ("comment", "annotation") or directive.used:
        return False
    return directive.rule is None or directive.rule.code in ran


def _unused(directive: Directive, known: Iterable[Rule]) -> Finding:
    rule = directive.rule
    if rule is None:
        names = [key for r in known for key in (r.name, r.code)]
        message = (
            f"suppression names no rule: {directive.token!r}{suggest(directive.token, names)}; "
            "fix the name (see `meshlint rules`) or remove it"
        )
    else:
        if directive.resource is not None:
            where = "on this resource"
        elif directive.lines is None:
            where = "in this file"
        else:
            where = "on the line it covers"
        message = (
            f"unused suppression of {rule.name} ({rule.code}): it reports nothing {where}; "
            "remove it"
        )
    if directive.owner is not None:
        path = ("metadata", "annotations", MESHLINT_ANNOTATION)
        return report(UNUSED, directive.owner, path, message)
    return report_at(UNUSED, directive.file, directive.line - 1, directive.column - 1, message)
