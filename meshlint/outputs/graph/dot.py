"""``meshlint graph --format dot``: one Graphviz digraph, a cluster per mesh
(``meshlint graph --format dot | dot -Tsvg > mesh.svg``). Nodes and edges with findings are
drawn in the colour of the worst one, dangling ends dashed, and each finding is a note joined
to its node (to an edge's target, for a finding on the edge)."""

from __future__ import annotations

from typing import TextIO

from meshlint.findings import Finding, Severity
from meshlint.outputs.graph.labels import edge_label, finding_lines, node_lines, worst
from meshlint.outputs.graph.model import MeshView, Node

__all__ = ["quote", "render", "to_text"]

_SHAPES = {
    "gateway": "hexagon",
    "mesh": "circle",
    "virtualservice": "box",
    "route": "box",
    "host": "parallelogram",
    "subset": "cds",
    "service": "component",
    "serviceentry": "component",
    "destinationrule": "cylinder",
    "workload": "box",
}
_ROUNDED = frozenset({"route", "workload"})
_COLOURS = {Severity.ERROR: "#d32f2f", Severity.WARNING: "#ef8f00", Severity.INFO: "#1976d2"}


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, each line ended by
    ``\\l`` (left-aligned), so no name or message can break the syntax."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "\\l".join(escaped.split("\n")) + ("\\l" if "\n" in text else "") + '"'


def _attributes(**values: str) -> str:
    return "[" + ", ".join(f"{key}={value}" for key, value in values.items()) + "]"


def _node(id_: str, node: Node) -> str:
    values = {"label": quote("\n".join(node_lines(node))), "shape": _SHAPES[node.kind]}
    styles = ["rounded"] if node.kind in _ROUNDED else []
    severity = worst(node.findings)
    if severity is not None:
        values.update(color=quote(_COLOURS[severity]), penwidth="2")
    if node.dangling:
        styles.append("dashed")
        values.setdefault("color", quote(_COLOURS[Severity.ERROR]))
    if styles:
        values["style"] = quote(",".join(styles))
    return f"    {id_} {_attributes(**values)};"


def _note(id_: str, finding: Finding, anchor: str) -> list[str]:
    colour = quote(_COLOURS[finding.severity])
    label = quote("\n".join(finding_lines(finding)))
    return [
        f"    {id_} {_attributes(label=label, shape='note', color=colour, fontsize='9')};",
        f"    {anchor} -> {id_} {_attributes(style='dashed', arrowhead='none', color=colour)};",
    ]


def _mesh(index: int, view: MeshView) -> list[str]:
    ids = {node_id: f"m{index}n{n}" for n, node_id in enumerate(view.nodes)}
    lines = [f"  subgraph cluster_m{index} {{", f"    label={quote(f'mesh {view.name}')};"]
    lines += [_node(ids[node.id], node) for node in view.nodes.values()]
    notes = 0
    for node in view.nodes.values():
        for finding in node.findings:
            lines += _note(f"m{index}f{notes}", finding, ids[node.id])
            notes += 1
    for edge in view.edges:
        values = {}
        label = edge_label(edge)
        if label:
            values["label"] = quote(label)
        if edge.kind == "mirrors_to":
            values["style"] = "dashed"
        severity = worst(edge.findings)
        if severity is not None:
            values.update(color=quote(_COLOURS[severity]), penwidth="2")
        attributes = f" {_attributes(**values)}" if values else ""
        lines.append(f"    {ids[edge.source]} -> {ids[edge.target]}{attributes};")
        for finding in edge.findings:
            lines += _note(f"m{index}f{notes}", finding, ids[edge.target])
            notes += 1
    if view.unattached:
        text = [f"{len(view.unattached)} finding(s) on nothing drawn here:"]
        text += [f"{f.code} {f.rule} ({f.severity})" for f in view.unattached]
        lines.append(f"    m{index}u {_attributes(label=quote(chr(10).join(text)), shape='note')};")
    lines.append("  }")
    return lines


def to_text(views: list[MeshView]) -> str:
    lines = [
        "digraph meshlint {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for index, view in enumerate(views):
        lines += _mesh(index, view)
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(views: list[MeshView], stream: TextIO, colour: bool = False) -> None:
    stream.write(to_text(views))
