"""The JSON report: a stable contract (version 1), documented in the README."""

from __future__ import annotations

import json
from typing import TextIO

from meshlint.engine.report import Report
from meshlint.findings import Finding, Severity

__all__ = ["render", "to_dict"]

VERSION = 1


def finding_dict(finding: Finding) -> dict:
    resource = finding.resource
    return {
        "code": finding.code,
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "resource": None
        if resource is None
        else {
            "apiVersion": resource.api_version,
            "kind": resource.kind,
            "namespace": resource.namespace,
            "name": resource.name,
        },
        "field": finding.field,
        "mesh": finding.mesh,
        "refs": list(finding.refs),
        "related": [
            {"file": r.file, "line": r.line, "column": r.column, "message": r.message}
            for r in finding.related
        ],
    }


def to_dict(report: Report) -> dict:
    return {
        "version": VERSION,
        "findings": [finding_dict(f) for f in report.findings],
        "summary": {
            "files": report.files,
            "resources": report.resources,
            "meshes": report.meshes,
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
            **({} if report.fixed is None else {"fixed": report.fixed}),
        },
    }


def render(report: Report, stream: TextIO, colour: bool = False) -> None:
    json.dump(to_dict(report), stream, indent=2)
    stream.write("\n")
