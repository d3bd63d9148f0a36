"""``meshlint graph --format json``: node-link JSON, one graph per mesh. A stable contract,
documented in ``docs/graph.md``; ``schema_version`` changes when it does."""

from __future__ import annotations

import json
from typing import TextIO

from meshlint.findings import Finding
from meshlint.outputs.graph.model import SCHEMA_VERSION, Edge, MeshView, Node
from meshlint.outputs.paths import portable_path

__all__ = ["render", "to_dict"]


def finding_dict(finding: Finding) -> dict:
    return {
        "code": finding.code,
        "name": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "file": portable_path(finding.file),
        "line": finding.line,
        "column": finding.column,
        "field": finding.field,
    }


def node_dict(node: Node) -> dict:
    resource = node.resource
    return {
        "id": node.id,
        "kind": node.kind,
        "label": node.label,
        "resource": None
        if resource is None
        else {"kind": resource.kind, "namespace": resource.namespace, "name": resource.name},
        "file": node.place.file if node.place else None,
        "line": node.place.line if node.place else None,
        "details": node.details,
        "dangling": node.dangling,
        "findings": [finding_dict(f) for f in node.findings],
    }


def edge_dict(edge: Edge) -> dict:
    return {
        "source": edge.source,
        "target": edge.target,
        "kind": edge.kind,
        "label": edge.label,
        "details": edge.details,
        "findings": [finding_dict(f) for f in edge.findings],
    }


def to_dict(views: list[MeshView]) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "meshes": [
            {
                "name": view.name,
                "nodes": [node_dict(n) for n in view.nodes.values()],
                "edges": [edge_dict(e) for e in view.edges],
                "unattached_findings": [finding_dict(f) for f in view.unattached],
            }
            for view in views
        ],
    }


def render(views: list[MeshView], stream: TextIO, colour: bool = False) -> None:
    json.dump(to_dict(views), stream, indent=2)
    stream.write("\n")
