"""The view model every graph format draws: one ``MeshView`` per mesh, its nodes and edges
with what to say about them, the dangling ends marked, and each finding attached to the node
or edge it concerns. Built from the facts by ``build.py``; the formats only lay it out.

The node and edge kinds and their ``details`` are the contract of the JSON format
(``docs/graph.md``): change them with ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from dataclasses import dataclass, field

from meshlint.findings import Finding
from meshlint.input.resources import Resource

__all__ = [
    "EDGE_KINDS",
    "NODE_KINDS",
    "SCHEMA_VERSION",
    "Edge",
    "Filters",
    "MeshView",
    "Node",
    "Place",
]

SCHEMA_VERSION = 1

NODE_KINDS = (
    "gateway",  # an Istio Gateway, or a gateway a VirtualService names
    "mesh",  # the sidecars: VirtualServices that apply to mesh traffic
    "virtualservice",
    "route",  # one rule of a VirtualService (http, tcp or tls)
    "host",  # a destination host, by its full name
    "subset",  # a subset of a host
    "service",  # a Kubernetes Service
    "serviceentry",
    "destinationrule",
    "workload",  # a pod template of a controller, or a Pod
)
EDGE_KINDS = (
    "binds",  # gateway or mesh -> virtualservice
    "has_route",  # virtualservice -> route
    "routes_to",  # route -> host or subset
    "mirrors_to",  # route -> host or subset
    "subset_of",  # subset -> host
    "defines_host",  # service or serviceentry -> host
    "configures",  # destinationrule -> host
    "defines_subset",  # destinationrule -> subset
    "selects",  # service, subset or gateway -> workload
)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a resource is written: its file (relative, as the reports name it) and line."""

    file: str | None
    line: int | None


@dataclass(slots=True, eq=False)
class Node:
    id: str
    kind: str
    label: str
    resource: Resource | None = None
    place: Place | None = None
    details: dict[str, object] = field(default_factory=dict)
    dangling: str | None = None  # why nothing is at this end
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Edge:
    source: str
    target: str
    kind: str
    label: str = ""
    details: dict[str, object] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class MeshView:
    """One mesh: its nodes (in the order they were met), its edges, and the findings that
    concern nothing on the graph."""

    name: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    unattached: list[Finding] = field(default_factory=list)
    # (kind, namespace, name) of a resource -> (field path prefix, node or edge)
    anchors: dict[tuple[str, str | None, str], list[tuple[str, Node | Edge]]] = field(
        default_factory=dict, repr=False
    )

    def roots(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind in ("gateway", "mesh")]

    def out(self, node: str, *kinds: str) -> list[Edge]:
        return [e for e in self.edges if e.source == node and (not kinds or e.kind in kinds)]

    def into(self, node: str, *kinds: str) -> list[Edge]:
        return [e for e in self.edges if e.target == node and (not kinds or e.kind in kinds)]

    def elements(self) -> Iterator[Node | Edge]:
        yield from self.nodes.values()
        yield from self.edges

    def anchor(self, resource: Resource, prefix: str, element: Node | Edge) -> None:
        """Findings about ``resource`` at ``prefix`` (a field path such as
        ``spec.http[0]``, or ``""`` for the whole resource) and below it go to ``element``,
        unless a longer prefix claims them."""
        key = (resource.kind, resource.namespace, resource.name)
        self.anchors.setdefault(key, []).append((prefix, element))

    def attach(self, findings: list[Finding], keep_unattached: bool) -> None:
        """Put each finding on the node or edge of its resource whose field path prefix
        is the longest that covers the finding's field."""
        for finding in findings:
            element = self._element_for(finding)
            if element is not None:
                if finding not in element.findings:
                    element.findings.append(finding)
            elif keep_unattached:
                self.unattached.append(finding)

    def _element_for(self, finding: Finding) -> Node | Edge | None:
        ref = finding.resource
        if ref is None:
            return None
        anchors = self.anchors.get((ref.kind, ref.namespace, ref.name), ())
        path = finding.field or ""
        best: tuple[int, Node | Edge] | None = None
        for prefix, element in anchors:
            if _covers(prefix, path) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), element)
        return best[1] if best is not None else None


def _covers(prefix: str, path: str) -> bool:
    if not prefix or prefix == path:
        return True
    return path.startswith(prefix) and path[len(prefix)] in ".["


@dataclass(frozen=True, slots=True)
class Filters:
    """What to show: VirtualServices in ``namespace`` (or bound to a Gateway there), those
    whose hosts or destination hosts match the glob ``host``, those bound to the Gateway
    ``gateway`` (``namespace/name``); all of them when nothing is given."""

    namespace: str | None = None
    host: str | None = None
    gateway: str | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.namespace, self.host, self.gateway))

    def host_matches(self, names: list[str]) -> bool:
        if self.host is None:
            return True
        pattern = self.host.lower()
        return any(fnmatch.fnmatchcase(name.lower(), pattern) for name in names)
