"""Baselines: adopt meshlint on a repository that already has findings.

``--write-baseline FILE`` records today's findings; ``--baseline FILE`` then reports only
findings that are not in it. A finding is recognised by a fingerprint that survives edits
elsewhere in the file: the rule, the file (relative to the project root), the resource, the
field with list indexes removed, the message with numbers masked, and the offending line's
text. Each fingerprint is stored with a count, so a second identical finding is still new.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from meshlint.findings import Finding

__all__ = ["Baseline", "BaselineError", "fingerprint", "read_baseline", "write_baseline"]

VERSION = 1
_INDEX = re.compile(r"\[\d+\]")
_NUMBER = re.compile(r"\d+")


class BaselineError(Exception):
    pass


def fingerprint(finding: Finding, file: str, line_text: str) -> str:
    """A stable identity for ``finding``; ``file`` is its path relative to the project root
    and ``line_text`` the source line it points at."""
    resource = finding.resource
    parts = (
        finding.code,
        file,
        "" if resource is None else f"{resource.kind}/{resource.namespace}/{resource.name}",
        _INDEX.sub("[]", finding.field or ""),
        _NUMBER.sub("#", finding.message),
        " ".join(line_text.split()),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


@dataclass(slots=True)
class Baseline:
    counts: Counter[str] = field(default_factory=Counter)

    def split(
        self, findings: Iterable[Finding], key: Callable[[Finding], str]
    ) -> tuple[list[Finding], list[Finding]]:
        """(new findings, findings already in the baseline)."""
        remaining = Counter(self.counts)
        new, known = [], []
        for finding in findings:
            mark = key(finding)
            if remaining[mark] > 0:
                remaining[mark] -= 1
                known.append(finding)
            else:
                new.append(finding)
        return new, known


def read_baseline(path: Path) -> Baseline:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BaselineError(f"{path}: cannot read the baseline: {error}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise BaselineError(f"{path}: not a meshlint baseline (version {VERSION})")
    counts: Counter[str] = Counter()
    for entry in data.get("findings", ()):
        if isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str):
            counts[entry["fingerprint"]] += 1
    return Baseline(counts)


def _display(finding: Finding) -> str | None:
    resource = finding.resource
    if resource is None:
        return None
    if resource.namespace is None:
        return f"{resource.kind} {resource.name}"
    return f"{resource.kind} {resource.namespace}/{resource.name}"


def write_baseline(
    path: Path,
    findings: Iterable[Finding],
    key: Callable[[Finding], str],
    relative: Callable[[str], str],
) -> int:
    """Write the findings' fingerprints (with what they stand for, for reviewers) and return
    how many were written."""
    entries = []
    for finding in findings:
        entries.append(
            {
                "fingerprint": key(finding),
                "code": finding.code,
                "rule": finding.rule,
                "file": relative(finding.file),
                "resource": _display(finding),
                "message": finding.message,
            }
        )
    entries.sort(key=lambda e: (e["file"], e["code"], e["fingerprint"]))
    document = {"version": VERSION, "tool": "meshlint", "findings": entries}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(entries)
