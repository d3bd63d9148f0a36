"""Traffic paths through the mesh graph, for the graph conditions of declared policies: what
traffic entering through a gateway reaches, which hosts VirtualServices route to, and which
AuthorizationPolicies select a resource's workloads.

Each answer walks the graph ``facts/graph.py`` builds, along the edges it already has:

    Gateway <-binds- VirtualService -routes_to/mirrors_to-> host <-defines_host- Service
      -selects-> workload

(a VirtualService's ``delegate`` routes continue into the delegate), plus the DestinationRules
that ``configure`` a reached host. Which workloads a selector picks is
``facts/selectors.py``'s answer. Every function is a ``@fact``: worked out once per mesh.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from meshlint.facts.graph import WORKLOAD_KINDS
from meshlint.facts.memo import fact
from meshlint.facts.routes import route_rules
from meshlint.facts.selectors import gateway_selector, selection, selects, service_selector
from meshlint.input.globs import glob_matcher
from meshlint.input.resources import K, Resource

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = [
    "AUTHORIZATION_KINDS",
    "REACHABLE_KINDS",
    "ROUTED_KINDS",
    "authorization_policies",
    "gateways_matching",
    "is_reachable",
    "is_routed_to",
    "reachable_from",
]

# The kinds each question can be asked about.
REACHABLE_KINDS = frozenset(
    {"Gateway", "VirtualService", "Service", "ServiceEntry", "DestinationRule", *WORKLOAD_KINDS}
)
ROUTED_KINDS = frozenset({"Service", "ServiceEntry", "DestinationRule", *WORKLOAD_KINDS})
AUTHORIZATION_KINDS = frozenset({"Service", *WORKLOAD_KINDS})

_TRAFFIC = ("routes_to", "mirrors_to")


@fact
def gateways_matching(
    mesh: Mesh, selector: frozenset[tuple[str, str]] = frozenset(), names: tuple[str, ...] = ()
) -> tuple[Resource, ...]:
    """The Istio Gateways whose ``selector`` holds every pair of ``selector`` (they bind the
    gateway proxies with those labels: ``{istio: ingressgateway}`` picks the ingress
    gateway's Gateways) and, when ``names`` is given, whose ``namespace/name`` matches one of
    its globs."""
    named = glob_matcher(names) if names else None
    wanted = dict(selector)
    return tuple(
        gateway
        for gateway in mesh.of_type(K.GATEWAY)
        if selects(wanted, gateway_selector(gateway))
        and (named is None or named(f"{gateway.namespace}/{gateway.name}"))
    )


@fact
def reachable_from(mesh: Mesh, gateways: tuple[Resource, ...]) -> frozenset[object]:
    """Every graph node traffic entering through ``gateways`` can reach: the Gateways, the
    VirtualServices bound to them (and their delegates), the hosts they route or mirror to,
    the Services and ServiceEntries defining those hosts, the DestinationRules configuring
    them, and the workloads the Services select."""
    graph = mesh.graph
    reached: set[object] = set(gateways)
    services: list[Resource] = []
    pending = [
        source
        for gateway in gateways
        for source, _, kind in graph.in_edges(gateway, keys=True)
        if kind == "binds"
    ]
    while pending:
        vs = pending.pop()
        if vs in reached:
            continue
        reached.add(vs)
        pending.extend(_delegates(mesh, vs))
        for _, host, kind in graph.out_edges(vs, keys=True):
            if kind not in _TRAFFIC or host in reached:
                continue
            reached.add(host)
            for owner, _, edge in graph.in_edges(host, keys=True):
                if edge in ("defines_host", "configures"):
                    reached.add(owner)
                    if edge == "defines_host":
                        services.append(owner)
    for service in services:
        reached.update(
            target for _, target, kind in graph.out_edges(service, keys=True) if kind == "selects"
        )
    return frozenset(reached)


def _delegates(mesh: Mesh, vs: Resource) -> list[Resource]:
    """The VirtualServices ``vs``'s HTTP routes delegate to (``delegate: {name, namespace}``,
    the namespace defaulting to ``vs``'s)."""
    found = []
    for rule in route_rules(mesh, vs):
        delegate = rule.delegate
        if not isinstance(delegate, Mapping) or not isinstance(delegate.get("name"), str):
            continue
        namespace = delegate.get("namespace")
        namespace = namespace if isinstance(namespace, str) and namespace else vs.namespace
        target = mesh.get(K.VIRTUAL_SERVICE, namespace, delegate["name"])
        if target is not None:
            found.append(target)
    return found


def is_reachable(mesh: Mesh, resource: Resource, gateways: tuple[Resource, ...]) -> bool:
    """Can traffic entering through ``gateways`` reach ``resource``?"""
    return resource in reachable_from(mesh, gateways)


@fact
def _routed_hosts(mesh: Mesh) -> frozenset[object]:
    """The host nodes some VirtualService routes (or mirrors) traffic to."""
    return frozenset(host for _, host, kind in mesh.graph.edges(keys=True) if kind in _TRAFFIC)


@fact
def is_routed_to(mesh: Mesh, resource: Resource) -> bool:
    """Does some VirtualService route to ``resource``: to a host a Service or ServiceEntry
    defines, to the host a DestinationRule configures, or to a Service that selects a
    workload?"""
    routed = _routed_hosts(mesh)
    graph = mesh.graph
    if resource.kind in WORKLOAD_KINDS:
        return any(
            kind == "selects" and is_routed_to(mesh, service)
            for service, _, kind in graph.in_edges(resource, keys=True)
        )
    if resource not in graph:
        return False
    return any(
        kind in ("defines_host", "configures") and host in routed
        for _, host, kind in graph.out_edges(resource, keys=True)
    )


@fact
def authorization_policies(mesh: Mesh, resource: Resource) -> tuple[Resource, ...]:
    """The AuthorizationPolicies that apply to ``resource``: to a workload, or to every
    workload a Service selects (to the pods its selector describes, when the files hold none
    of them), and the policies that name a Service in ``targetRefs``. A policy applies to a
    workload when it is in the workload's namespace and selects it (or selects nothing:
    namespace-wide), or is in the root namespace and selects it (or nothing: mesh-wide).
    Empty when some workload has none."""
    if resource.kind in WORKLOAD_KINDS:
        workloads = [(resource.namespace, _workload_labels(mesh, resource))]
    elif resource.type == K.SERVICE:
        targets = [
            target
            for _, target, kind in mesh.graph.out_edges(resource, keys=True)
            if kind == "selects"
        ]
        workloads = [(t.namespace, _workload_labels(mesh, t)) for t in targets] or [
            (resource.namespace, service_selector(resource))
        ]
    else:
        return ()
    targeting = _targeting(mesh, resource)
    found: dict[Resource, None] = dict.fromkeys(targeting)
    for namespace, labels in workloads:
        applying = [p for p in _candidates(mesh, namespace) if _applies(mesh, p, labels)]
        if not applying and not targeting:
            return ()
        found.update(dict.fromkeys(applying))
    return tuple(found)


def _workload_labels(mesh: Mesh, resource: Resource) -> Mapping[str, str]:
    for workload in mesh.workloads_in(resource.namespace):
        if workload.resource is resource:
            return workload.labels
    return resource.labels


def _candidates(mesh: Mesh, namespace: str | None) -> list[Resource]:
    return [
        policy
        for policy in mesh.of_type(K.AUTHORIZATION_POLICY)
        if policy.namespace in (namespace, mesh.root_namespace)
    ]


def _applies(mesh: Mesh, policy: Resource, labels: Mapping[str, str]) -> bool:
    chosen = selection(mesh, policy).labels
    return chosen is None or selects(chosen, labels)


def _targeting(mesh: Mesh, service: Resource) -> list[Resource]:
    """AuthorizationPolicies whose ``targetRef``/``targetRefs`` name ``service`` (a waypoint
    enforces them for the Service)."""
    if service.type != K.SERVICE:
        return []
    found = []
    for policy in mesh.of_type(K.AUTHORIZATION_POLICY):
        refs = policy.spec.get("targetRefs")
        refs = refs if isinstance(refs, list) else [policy.spec.get("targetRef")]
        for ref in refs:
            if (
                isinstance(ref, Mapping)
                and ref.get("kind") == "Service"
                and ref.get("name") == service.name
                and (ref.get("namespace") or policy.namespace) == service.namespace
            ):
                found.append(policy)
                break
    return found
