"""JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines).

Each finding is a failed test case named after the rule and place; suppressed findings are
skipped test cases; a clean run is one passing test case, so the report is never empty.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from meshlint.engine.report import Report
from meshlint.findings import Finding
from meshlint.outputs.paths import portable_path

__all__ = ["render", "to_xml"]

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _case(suite: ET.Element, finding: Finding) -> ET.Element:
    path = portable_path(finding.file)
    where = f"{path}:{finding.line}:{finding.column}"
    return ET.SubElement(
        suite,
        "testcase",
        classname=_clean(path),
        name=_clean(f"{finding.code} {finding.rule} at {where}"),
        file=_clean(path),
        line=str(finding.line),
    )


def _details(finding: Finding) -> str:
    lines = [f"{portable_path(finding.file)}:{finding.line}:{finding.column}: {finding.message}"]
    lines += [f"{portable_path(r.file)}:{r.line}:{r.column}: {r.message}" for r in finding.related]
    return _clean("\n".join(lines))


def to_xml(report: Report) -> ET.Element:
    failures = len(report.findings)
    cases = failures + len(report.suppressed) + (0 if failures else 1)
    counts = {
        "tests": str(cases),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(len(report.suppressed)),
    }
    root = ET.Element("testsuites", name="meshlint", **counts)
    suite = ET.SubElement(root, "testsuite", name="meshlint", **counts)
    for finding in report.findings:
        failure = ET.SubElement(
            _case(suite, finding),
            "failure",
            message=_clean(finding.message),
            type=f"{finding.code} {finding.severity}",
        )
        failure.text = _details(finding)
    for finding, suppression in report.suppressed:
        reason = suppression.justification or f"suppressed ({suppression.kind})"
        ET.SubElement(_case(suite, finding), "skipped", message=_clean(reason))
    if not failures:
        ET.SubElement(suite, "testcase", classname="meshlint", name="no problems found")
    return root


def render(report: Report, stream: TextIO, colour: bool = False) -> None:
    root = to_xml(report)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
