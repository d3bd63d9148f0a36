"""Resources of one kind that compete for the same proxies, so that which one applies is
undefined: several namespace defaults (no selector) in a namespace, shared by
`sidecar-multiple-defaults`, `telemetry-multiple-defaults` and `peer-authentication-conflict`;
and overlapping workload selectors, shared by `sidecar-selector-conflict`,
`telemetry-selector-conflict` and `peer-authentication-conflict`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

from meshlint.facts.graph import Mesh, Workload
from meshlint.facts.selectors import selection, workload_name
from meshlint.findings import Finding, Location
from meshlint.input.resources import Kind
from meshlint.rules.base import Rule, quoted_list, related, report

__all__ = ["conflicts", "multiple_defaults"]


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
    located: dict[int, Location] = {}  # each resource's selector, located once for all findings
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
            where = []
            for r in others:
                if id(r) not in located:
                    path = selection(mesh, r).path
                    located[id(r)] = related(r, path, f"also selects: {r.display}")
                where.append(located[id(r)])
            yield report(rule, resource, selection(mesh, resource).path, message, where)


def multiple_defaults(
    mesh: Mesh,
    kind: Kind,
    rule: Rule,
    noun: str,
    skip_namespace: Callable[[Mesh, str | None], bool] | None = None,
) -> Iterator[Finding]:
    """Findings for namespaces with several selector-less resources of ``kind`` (namespaces
    for which ``skip_namespace`` is true are not reported)."""
    by_namespace = defaultdict(list)
    for resource in mesh.of_type(kind):
        targeted = "targetRef" in resource.spec or "targetRefs" in resource.spec
        if selection(mesh, resource).labels is None and not targeted:
            by_namespace[resource.namespace].append(resource)
    for namespace, resources in by_namespace.items():
        if len(resources) < 2:
            continue
        if skip_namespace is not None and skip_namespace(mesh, namespace):
            continue
        located = {
            id(r): related(r, ("metadata", "name"), f"also default: {r.display}") for r in resources
        }  # each resource's name, located once for all findings
        for resource in resources:
            others = [r for r in resources if r is not resource]
            message = (
                f"namespace {namespace!r} has {len(resources)} {noun} resources without a "
                f"selector (also {quoted_list(r.name for r in others)}); only one of them "
                "applies. Merge them into one, or give the others a selector"
            )
            where = [located[id(r)] for r in others]
            yield report(rule, resource, ("metadata", "name"), message, where)
