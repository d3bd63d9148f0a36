"""SARIF 2.1.0, the format GitHub code scanning (and most code-review tools) read.

File URIs are relative to the working directory with ``uriBaseId: %SRCROOT%``, so run meshlint
from the repository root. Each result carries a ``partialFingerprints`` entry that ignores line
numbers, so an alert survives lines added above it. Suppressed findings are included with a
``suppressions`` entry, as the format asks, instead of being dropped.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from meshlint import __version__
from meshlint.engine.report import Report
from meshlint.findings import Finding, Location, Severity, Suppression
from meshlint.outputs.paths import is_pseudo, portable_path
from meshlint.outputs.rule_docs import rule_body
from meshlint.rules import Rule, find_rule

__all__ = ["fingerprint", "render", "to_sarif"]

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "meshlint/v1"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _artifact(file: str) -> dict:
    path = portable_path(file)
    if is_pseudo(path):
        return {"uri": quote(path, safe="")}
    if path.startswith("/"):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _physical(file: str, line: int, column: int) -> dict:
    return {
        "artifactLocation": _artifact(file),
        "region": {"startLine": max(line, 1), "startColumn": max(column, 1)},
    }


def fingerprint(finding: Finding) -> str:
    """A hash of what the finding is about, not where: rule, file, resource, field, message."""
    resource = finding.resource
    parts = (
        finding.code,
        portable_path(finding.file),
        "" if resource is None else f"{resource.kind}/{resource.namespace}/{resource.name}",
        finding.field or "",
        finding.message,
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _rule_descriptor(rule: Rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why or rule.summary},
        "help": {"text": rule.doc or rule.summary, "markdown": rule_body(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["istio", *rule.refs],
            "refs": list(rule.refs),
            "kinds": list(rule.kinds),
        },
    }


def _related(locations: tuple[Location, ...]) -> list[dict]:
    return [
        {
            "id": index,
            "physicalLocation": _physical(r.file, r.line, r.column),
            "message": {"text": r.message},
        }
        for index, r in enumerate(locations, 1)
    ]


def _result(finding: Finding, rule_index: int | None, print_: str) -> dict:
    result: dict = {"ruleId": finding.code}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result |= {
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.file, finding.line, finding.column)}],
        "partialFingerprints": {FINGERPRINT_KEY: print_},
    }
    if finding.related:
        result["relatedLocations"] = _related(finding.related)
    properties: dict = {"rule": finding.rule}
    if finding.resource is not None:
        resource = finding.resource
        properties["resource"] = {
            "apiVersion": resource.api_version,
            "kind": resource.kind,
            "namespace": resource.namespace,
            "name": resource.name,
        }
    if finding.field:
        properties["field"] = finding.field
    if finding.mesh:
        properties["mesh"] = finding.mesh
    result["properties"] = properties
    return result


def _suppression(suppression: Suppression) -> dict:
    entry = {"kind": suppression.kind, "status": "accepted"}
    if suppression.justification:
        entry["justification"] = suppression.justification
    return entry


def to_sarif(report: Report) -> dict:
    entries: list[tuple[Finding, Suppression | None]] = [(f, None) for f in report.findings]
    entries += report.suppressed
    rules = list(report.rules)
    index = {rule.code: i for i, rule in enumerate(rules)}
    for finding, _ in entries:  # rules not selected but reporting (internal-error)
        rule = find_rule(finding.code)
        if finding.code not in index and rule is not None:
            index[finding.code] = len(rules)
            rules.append(rule)
    seen: dict[str, int] = {}
    results = []
    for finding, suppression in entries:
        print_ = fingerprint(finding)
        seen[print_] = seen.get(print_, 0) + 1
        if seen[print_] > 1:  # the same problem twice in one file: number the repeats
            print_ = f"{print_}:{seen[print_]}"
        result = _result(finding, index.get(finding.code), print_)
        if suppression is not None:
            result["suppressions"] = [_suppression(suppression)]
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "meshlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule_descriptor(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
                "invocations": [{"executionSuccessful": report.internal_errors == 0}],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render(report: Report, stream: TextIO, colour: bool = False) -> None:
    json.dump(to_sarif(report), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
