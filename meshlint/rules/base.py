"""What every rule module declares, and the helpers rules use to report a finding.

A rule module has a docstring (why the rule exists, then ``## Bad`` and ``## Good`` YAML
examples), a ``RULE`` with its metadata, and ``check(mesh, options)`` that yields findings.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import ModuleType
from typing import Any

from meshlint.findings import Finding, Location, Severity
from meshlint.model import Resource, field_path

__all__ = ["Rule", "closest", "from_module", "related", "report", "report_at", "suggest"]

_EXAMPLE = re.compile(r"^## (Bad|Good)\s*\n+```yaml\n(.*?)^```", re.M | re.S)


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    kinds: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)
    fixable: bool = False
    # False where the bad example cannot be YAML text (an undecodable or unreadable file);
    # such rules are tested with bytes and paths instead of their examples.
    examples_run: bool = True
    doc: str = ""
    check: Callable[..., Iterable[Finding]] | None = None

    @property
    def why(self) -> str:
        """The documentation before the examples."""
        return self.doc.split("\n## ", 1)[0].strip()

    @property
    def examples(self) -> dict[str, str]:
        """``{"bad": yaml, "good": yaml}`` from the docstring."""
        return {m[1].lower(): m[2] for m in _EXAMPLE.finditer(self.doc)}


def from_module(module: ModuleType) -> Rule:
    rule: Rule = module.RULE
    return replace(rule, doc=inspect.cleandoc(module.__doc__ or ""), check=module.check)


def report(
    rule: Rule,
    resource: Resource,
    path: tuple[object, ...],
    message: str,
    related_to: Iterable[Location] = (),
    at: tuple[int, int] | None = None,
    field_name: str | None = None,
) -> Finding:
    """A finding at ``path`` inside ``resource``; ``at`` (0-based) and ``field_name`` replace
    the position and field when the offending text is inside an embedded document."""
    line, column = at if at is not None else resource.locate(path)
    return Finding(
        code=rule.code,
        rule=rule.name,
        severity=rule.severity,
        message=message,
        file=resource.source.path,
        line=line + 1,
        column=column + 1,
        resource=resource.ref,
        field=field_name or field_path(path) or None,
        refs=rule.refs,
        related=tuple(related_to),
    )


def report_at(rule: Rule, file: str, line: int, column: int, message: str) -> Finding:
    """A finding at a 0-based position of a file, for problems that precede resources."""
    return Finding(
        code=rule.code,
        rule=rule.name,
        severity=rule.severity,
        message=message,
        file=file,
        line=line + 1,
        column=column + 1,
        refs=rule.refs,
    )


def related(resource: Resource, path: tuple[object, ...], message: str) -> Location:
    line, column = resource.locate(path)
    return Location(resource.source.path, line + 1, column + 1, message)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``word``, if it is a plausible typo of it."""
    # What ``difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)`` returns, but a
    # candidate is compared in full only when its cheap upper bounds could still reach the
    # best score so far: among many similar names (a namespace of a thousand Services) the
    # full comparison of every one made each suggestion cost milliseconds.
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    for candidate in candidates:
        matcher.set_seq1(candidate)
        floor = 0.6 if best is None else best[0]
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        score = matcher.ratio()
        if score >= 0.6 and (best is None or (score, candidate) > best):
            best = (score, candidate)
    return None if best is None else best[1]


def suggest(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'v1'?)`` for a near miss, else an empty string."""
    close = closest(word, candidates)
    return f" (did you mean {close!r}?)" if close else ""


def quoted_list(items: Iterable[str], limit: int = 6) -> str:
    items = sorted(set(items))
    shown = ", ".join(repr(i) for i in items[:limit])
    more = len(items) - limit
    return shown + (f" and {more} more" if more > 0 else "")
