"""``meshlint graph --format mermaid``: one flowchart, a subgraph per mesh, to paste into a
pull request (GitHub and GitLab draw ```` ```mermaid ```` blocks). Nodes with findings and
dangling ends get a class (a coloured border), edges with findings a ``linkStyle``, and each
finding a note joined to its node (to an edge's target, for a finding on the edge).

Labels are always quoted and escaped with Mermaid's entity codes (``#quot;``, ``#35;``...),
so no name or message can break the syntax; ``tests/test_graph_mermaid.py`` parses the
output with Mermaid's own parser.
"""

from __future__ import annotations

from typing import TextIO

from meshlint.findings import Finding, Severity
from meshlint.outputs.graph.labels import edge_label, finding_lines, node_lines, worst
from meshlint.outputs.graph.model import MeshView, Node

__all__ = ["escape", "render", "to_text"]

# Node shapes by kind: (opening, closing) around the quoted label.
_SHAPES = {
    "gateway": ("{{", "}}"),
    "mesh": ("((", "))"),
    "virtualservice": ("[", "]"),
    "route": ("(", ")"),
    "host": ("[/", "/]"),
    "subset": (">", "]"),
    "service": ("[[", "]]"),
    "serviceentry": ("[[", "]]"),
    "destinationrule": ("[(", ")]"),
    "workload": ("([", "])"),
}
_CLASSES = (
    "classDef error stroke:#d32f2f,stroke-width:3px",
    "classDef warning stroke:#ef8f00,stroke-width:3px",
    "classDef info stroke:#1976d2,stroke-width:2px",
    "classDef dangling stroke:#d32f2f,stroke-width:2px,stroke-dasharray:5 5",
    "classDef note fill:#fff8e1,stroke:#ef8f00,color:#333",
)
_LINK_COLOURS = {Severity.ERROR: "#d32f2f", Severity.WARNING: "#ef8f00", Severity.INFO: "#1976d2"}
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}


def escape(text: str) -> str:
    """Text for inside a quoted Mermaid label: every character the syntax or the HTML it
    becomes could read as markup is written as an entity."""
    return "".join(_ENTITIES.get(char, char) for char in text)


def _label(lines: list[str]) -> str:
    return '"' + "<br/>".join(escape(line) for line in lines) + '"'


class _Writer:
    def __init__(self) -> None:
        self.lines = ["flowchart LR"]
        self.links = 0  # ``linkStyle`` counts every link of the diagram, in order
        self.link_styles: list[str] = []
        self.classes: dict[str, list[str]] = {}

    def link(self, source: str, target: str, arrow: str, label: str = "") -> int:
        text = f"|{_label([label])}|" if label else ""
        self.lines.append(f"    {source} {arrow}{text} {target}")
        self.links += 1
        return self.links - 1

    def note(self, id_: str, finding: Finding, anchor: str) -> None:
        self.lines.append(f"    {id_}[{_label(finding_lines(finding))}]")
        self.classes.setdefault("note", []).append(id_)
        self.link(anchor, id_, "-.-")

    def mesh(self, index: int, view: MeshView) -> None:
        ids = {node_id: f"m{index}n{n}" for n, node_id in enumerate(view.nodes)}
        self.lines.append(f"  subgraph m{index}[{_label([f'mesh {view.name}'])}]")
        for node in view.nodes.values():
            self._node(ids[node.id], node)
        notes = 0
        for node in view.nodes.values():
            for finding in node.findings:
                self.note(f"m{index}f{notes}", finding, ids[node.id])
                notes += 1
        for edge in view.edges:
            arrow = "-.->" if edge.kind == "mirrors_to" else "-->"
            label = edge_label(edge)
            position = self.link(ids[edge.source], ids[edge.target], arrow, label)
            severity = worst(edge.findings)
            if severity is not None:
                colour = _LINK_COLOURS[severity]
                self.link_styles.append(f"  linkStyle {position} stroke:{colour},stroke-width:3px")
            for finding in edge.findings:
                self.note(f"m{index}f{notes}", finding, ids[edge.target])
                notes += 1
        if view.unattached:
            lines = [f"{len(view.unattached)} finding(s) on nothing drawn here:"]
            lines += [f"{f.code} {f.rule} ({f.severity})" for f in view.unattached]
            self.lines.append(f"    m{index}u[{_label(lines)}]")
            self.classes.setdefault("note", []).append(f"m{index}u")
        self.lines.append("  end")

    def _node(self, id_: str, node: Node) -> None:
        opening, closing = _SHAPES[node.kind]
        self.lines.append(f"    {id_}{opening}{_label(node_lines(node))}{closing}")
        severity = worst(node.findings)
        if severity is not None:
            self.classes.setdefault(str(severity), []).append(id_)
        elif node.dangling:
            self.classes.setdefault("dangling", []).append(id_)

    def text(self) -> str:
        lines = [*self.lines, *(f"  {c}" for c in _CLASSES)]
        for name, members in self.classes.items():
            lines.append(f"  class {','.join(members)} {name}")
        return "\n".join([*lines, *self.link_styles]) + "\n"


def to_text(views: list[MeshView]) -> str:
    writer = _Writer()
    for index, view in enumerate(views):
        writer.mesh(index, view)
    return writer.text()


def render(views: list[MeshView], stream: TextIO, colour: bool = False) -> None:
    stream.write(to_text(views))
