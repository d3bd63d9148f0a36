"""Shared by `sidecar-selector-conflict` and `telemetry-selector-conflict`: resources of one
kind whose workload selectors overlap, so that which one applies to a proxy is undefined."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from meshlint.findings import Finding
from meshlint.graph import Mesh, Workload
from meshlint.model import Kind
from meshlint.policies import selection, workload_name
from meshlint.rules.base import Rule, quoted_list, related, report

__all__ = ["conflicts"]


def conflicts(
    mesh: Mesh,
    kind: Kind,
    rule: Rule,
    noun: str,
    skip: Callable[[Mesh, Workload], bool] | None = None,
) -> Iterator[Finding]:
    """Findings for every resource of ``kind`` whose selector shares a workload with another
    (workloads for which ``skip`` is true do not count)."""
    by_workload: dict[int, tuple[object, list]] = {}
    for resource in mesh.of_type(kind):
        for workload in selection(mesh, resource).workloads:
            if skip is not None and skip(mesh, workload):
                continue
            by_workload.setdefault(id(workload), (workload, []))[1].append(resource)
    reported: set[int] = set()
    for workload, resources in by_workload.values():
        if len(resources) < 2:
            continue
        for resource in resources:
            if id(resource) in reported:
                continue
            reported.add(id(resource))
            others = [r for r in resources if r is not resource]
            message = (
                f"{workload_name(workload)} is also selected by {noun} "
                f"{quoted_list(r.name for r in others)}; only one {noun} applies to a proxy and "
                "which one is undefined. Make the selectors disjoint or merge the resources"
            )
            where = [related(r, ("metadata", "name"), f"also selects: {r.display}") for r in others]
            yield report(rule, resource, ("metadata", "name"), message, where)
