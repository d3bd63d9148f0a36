"""``meshlint graph`` as a tree for people: from each Gateway and from ``mesh`` down to the
VirtualServices bound there, their routes, each destination with its share of the requests,
the Service or ServiceEntry and the DestinationRule behind it and the workloads that get the
requests. Dangling ends and findings are marked lines."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from meshlint.facts.destination_rules import describe_namespaces
from meshlint.findings import Finding, Severity
from meshlint.outputs.graph.model import Edge, MeshView, Node
from meshlint.outputs.paths import portable_path

__all__ = ["render"]

_MARKS = {
    Severity.ERROR: ("✖", "bold red"),
    Severity.WARNING: ("⚠", "yellow"),
    Severity.INFO: ("ℹ", "blue"),
}
_STYLES = {
    "gateway": "bold magenta",
    "mesh": "bold magenta",
    "virtualservice": "bold cyan",
    "route": "cyan",
    "host": "bold",
    "subset": "bold",
    "service": "green",
    "serviceentry": "green",
    "destinationrule": "blue",
    "workload": "dim",
}


def _finding(finding: Finding) -> Text:
    mark, style = _MARKS[finding.severity]
    text = Text(f"{mark} {finding.severity} {finding.code} {finding.rule}: ", style=style)
    text.append(finding.message)
    return text


def _dangling(node: Node) -> Text:
    return Text(f"✗ dangling: {node.dangling}", style="bold red")


class _Drawer:
    def __init__(self, view: MeshView) -> None:
        self.view = view
        self.drawn: set[int] = set()  # the nodes and edges drawn, whose findings are shown

    def node(self, node: Node) -> Text:
        return Text(node.label, style=_STYLES.get(node.kind, ""))

    def marks(self, branch: Tree, *items: Node | Edge) -> None:
        for item in items:
            self.drawn.add(id(item))
            if isinstance(item, Node) and item.dangling:
                branch.add(_dangling(item))
            for finding in item.findings:
                branch.add(_finding(finding))

    def root(self, tree: Tree, node: Node) -> None:
        text = self.node(node)
        for server in node.details.get("servers") or ():
            hosts = ", ".join(server["hosts"])
            text.append(f"  {server['protocol'] or '?'} {server['port']} {hosts}", style="dim")
        for key in ("outside", "proxies"):
            if node.details.get(key):
                text.append(f"  ({key}: {node.details[key]})", style="dim")
        branch = tree.add(text)
        self.marks(branch, node)
        for edge in self.view.out(node.id, "selects"):
            proxy = self.view.nodes[edge.target]
            self.marks(branch.add(Text("proxies: ", style="dim") + self.node(proxy)), proxy)
        for edge in self.view.out(node.id, "binds"):
            self.virtual_service(branch, edge)

    def unbound(self, tree: Tree) -> None:
        """VirtualServices bound to nothing drawn (their gateway references are invalid)."""
        nodes = [
            n
            for n in self.view.nodes.values()
            if n.kind == "virtualservice" and not self.view.into(n.id, "binds")
        ]
        if nodes:
            branch = tree.add(Text("bound to no gateway", style="dim"))
            for node in nodes:
                self.virtual_service(branch, Edge("", node.id, "binds"))

    def undrawn(self) -> list[Finding]:
        """The findings on nodes and edges that the tree does not draw."""
        return [
            finding
            for element in self.view.elements()
            if id(element) not in self.drawn
            for finding in element.findings
        ]

    def virtual_service(self, parent: Tree, bind: Edge) -> None:
        node = self.view.nodes[bind.target]
        text = self.node(node)
        hosts = node.details.get("hosts") or []
        if hosts:
            text.append(f"  hosts: {', '.join(hosts)}", style="dim")
        branch = parent.add(text)
        self.marks(branch, bind, node)
        for edge in self.view.out(node.id, "has_route"):
            self.route(branch, self.view.nodes[edge.target])

    def route(self, parent: Tree, node: Node) -> None:
        details = node.details
        text = self.node(node)
        text.append(": " + " | ".join(details["match"] or ["any request"]))
        if details["action"] not in ("route",):
            text.append(f"  {details['action']}", style="dim")
        if details.get("rejected"):
            text.append(f"  (rejected: {details['rejected']})", style="red")
        branch = parent.add(text)
        self.marks(branch, node)
        for edge in self.view.out(node.id, "routes_to", "mirrors_to"):
            self.destination(branch, edge)

    def destination(self, parent: Tree, edge: Edge) -> None:
        target = self.view.nodes[edge.target]
        host = self.view.nodes[self._host_of(target)]
        details = edge.details
        arrow = "⇉ mirror " if edge.kind == "mirrors_to" else "→ "
        text = Text(arrow) + Text(host.label, style="bold")
        if target.kind == "subset":
            text.append(f" subset {target.details['name']}", style="bold")
        if details.get("port") is not None:
            text.append(f" :{details['port']}")
        if edge.label:
            text.append(f"  {edge.label}", style="green")
        if host.details.get("outside"):
            text.append(f"  ({host.details['outside']})", style="dim")
        branch = parent.add(text)
        self.marks(branch, edge, host)
        if target is not host:
            self.marks(branch, target)
        for definition in self.view.into(host.id, "defines_host"):
            self.definition(branch, definition)
        self.rules(branch, edge, target)
        # The workloads that get the requests: the subset's, else the Services'.
        selecting = [target] if target is not host else self._definitions(host)
        for node in selecting:
            self.workloads(branch, node)

    def _definitions(self, host: Node) -> list[Node]:
        return [self.view.nodes[e.source] for e in self.view.into(host.id, "defines_host")]

    def _host_of(self, target: Node) -> str:
        if target.kind == "subset":
            return self.view.out(target.id, "subset_of")[0].target
        return target.id

    def definition(self, parent: Tree, edge: Edge) -> None:
        node = self.view.nodes[edge.source]
        text = self.node(node)
        if node.details.get("selector"):
            text.append(f"  selector {node.details['selector']}", style="dim")
        for key in ("location", "resolution"):
            if node.details.get(key):
                text.append(f"  {node.details[key]}", style="dim")
        branch = parent.add(text)
        self.marks(branch, edge, node)

    def rules(self, parent: Tree, edge: Edge, target: Node) -> None:
        """The DestinationRules that apply to this destination, and for which clients."""
        defining = {e.source for e in self.view.into(target.id, "defines_subset")}
        for applying in edge.details.get("destination_rules") or ():
            node = self.view.nodes[applying["id"]]
            text = self.node(node)
            if target.kind == "subset" and node.id in defining:
                labels = target.details.get("labels")
                text.append(f"  subset {target.details['name']}", style="bold")
                if labels:
                    text.append(f" ({labels})", style="dim")
            clients = describe_namespaces(applying["clients"])
            text.append(f"  for clients in {clients}", style="dim")
            branch = parent.add(text)
            self.marks(branch, node)

    def workloads(self, parent: Tree, node: Node) -> None:
        for edge in self.view.out(node.id, "selects"):
            workload = self.view.nodes[edge.target]
            branch = parent.add(self.node(workload))
            self.marks(branch, workload)


def _tree(view: MeshView) -> Tree:
    tree = Tree(Text(f"mesh {view.name}", style="bold underline"))
    drawer = _Drawer(view)
    roots = view.roots()
    for node in roots:
        drawer.root(tree, node)
    drawer.unbound(tree)
    if not view.nodes:
        tree.add(Text("no gateway or VirtualService to show", style="dim"))
    others = [*view.unattached, *drawer.undrawn()]
    if others:
        branch = tree.add(Text("findings on nothing drawn here", style="dim"))
        for finding in others:
            branch.add(Text(f"{_subject(finding)}: ") + _finding(finding))
    return tree


def _subject(finding: Finding) -> str:
    """The resource a finding is about, else its place."""
    ref = finding.resource
    if ref is None:
        return f"{portable_path(finding.file)}:{finding.line}"
    return f"{ref.kind} {ref.namespace}/{ref.name}" if ref.namespace else f"{ref.kind} {ref.name}"


def render(views: list[MeshView], stream: TextIO, colour: bool = False) -> None:
    console = Console(
        file=stream,
        no_color=not colour,
        color_system="auto" if colour else None,
        width=None if colour else 10_000,
        highlight=False,
        soft_wrap=not colour,
    )
    for index, view in enumerate(views):
        if index:
            console.print()
        if colour:
            console.print(_tree(view))
            continue
        with console.capture() as captured:
            console.print(_tree(view))
        stream.write("\n".join(line.rstrip() for line in captured.get().splitlines()) + "\n")
