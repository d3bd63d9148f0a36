"""The text of a node or an edge in the drawn formats (Mermaid, Graphviz): a few short
lines, the same in both, escaped by each format for its own syntax."""

from __future__ import annotations

import textwrap

from meshlint.findings import Finding, Severity
from meshlint.outputs.graph.model import Edge, Node

__all__ = ["MARKS", "edge_label", "finding_lines", "node_lines", "worst"]

MARKS = {Severity.ERROR: "✖", Severity.WARNING: "⚠", Severity.INFO: "ℹ"}
NOTE_WIDTH = 60


def node_lines(node: Node) -> list[str]:
    details = node.details
    lines = [node.label]
    if node.kind == "gateway":
        for server in details.get("servers") or ():
            hosts = ", ".join(server["hosts"])
            lines.append(f"{server['protocol'] or '?'} {server['port']} {hosts}")
    elif node.kind == "virtualservice" and details.get("hosts"):
        lines.append("hosts: " + ", ".join(details["hosts"]))
    elif node.kind == "route":
        lines.append(" | ".join(details["match"] or ["any request"]))
        if details["action"] != "route":
            lines.append(str(details["action"]))
        if details.get("rejected"):
            lines.append(f"rejected: {details['rejected']}")
    elif node.kind == "subset" and details.get("labels"):
        lines.append(str(details["labels"]))
    elif node.kind == "service" and details.get("selector"):
        lines.append(f"selector {details['selector']}")
    if details.get("outside"):
        lines.append(str(details["outside"]))
    if node.dangling:
        lines.append(f"✗ dangling: {node.dangling}")
    return lines


def edge_label(edge: Edge) -> str:
    """The edge's own label, then the codes of its findings."""
    marks = [f"{MARKS[f.severity]} {f.code}" for f in edge.findings]
    return " ".join(part for part in (edge.label, *marks) if part)


def finding_lines(finding: Finding) -> list[str]:
    """A finding as a note: its mark, code, name and severity, then the message wrapped."""
    head = f"{MARKS[finding.severity]} {finding.code} {finding.rule} ({finding.severity})"
    return [head, *textwrap.wrap(finding.message, NOTE_WIDTH, break_on_hyphens=False)]


def worst(findings: list[Finding]) -> Severity | None:
    return max((f.severity for f in findings), default=None)
