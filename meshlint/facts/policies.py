"""What the sidecar, telemetry and security rules share: workload selectors, the scope of a
policy (workload, namespace, mesh) and the mTLS modes of PeerAuthentications and
DestinationRules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from meshlint.facts.destination_rules import (
    ANY_OTHER_NAMESPACE,
    MergedRule,
    applicable,
    client_namespaces,
    effective,
)
from meshlint.facts.graph import Mesh
from meshlint.facts.memo import fact
from meshlint.facts.selectors import selection
from meshlint.input.resources import K, Resource

__all__ = [
    "ClientTls",
    "MtlsPolicy",
    "client_tls",
    "client_tls_modes",
    "peer_policies",
    "service_namespaces",
]


# -- mTLS ----------------------------------------------------------------------------------

MUTUAL_MODES = frozenset({"ISTIO_MUTUAL", "MUTUAL"})


@dataclass(frozen=True, slots=True)
class MtlsPolicy:
    """A PeerAuthentication without selector: mesh-wide (root namespace) or namespace-wide."""

    resource: Resource
    mode: str  # STRICT, PERMISSIVE, DISABLE (UNSET ones are left out)
    mesh_wide: bool


def peer_mode(resource: Resource) -> str:
    mtls = resource.spec.get("mtls")
    mode = mtls.get("mode") if isinstance(mtls, dict) else None
    return mode.upper() if isinstance(mode, str) and mode else "UNSET"


def port_modes(resource: Resource) -> set[str]:
    """The modes a PeerAuthentication's ``portLevelMtls`` sets, upper case."""
    ports = resource.spec.get("portLevelMtls")
    found = set()
    for value in ports.values() if isinstance(ports, dict) else ():
        mode = value.get("mode") if isinstance(value, dict) else None
        if isinstance(mode, str):
            found.add(mode.upper())
    return found


def workload_peer_modes(mesh: Mesh, namespace: str | None) -> set[str]:
    """Modes set by workload-level PeerAuthentications (with a selector) in ``namespace``.
    Every namespace's modes are gathered once per run, not by scanning all
    PeerAuthentications for each question."""
    return set(_workload_peer_modes(mesh).get(namespace, ()))


@fact
def _workload_peer_modes(mesh: Mesh) -> dict[str | None, set[str]]:
    by_namespace: dict[str | None, set[str]] = {}
    for resource in mesh.of_type(K.PEER_AUTHENTICATION):
        if selection(mesh, resource).labels is not None:
            modes = by_namespace.setdefault(resource.namespace, set())
            modes.add(peer_mode(resource))
            modes |= port_modes(resource)
    return by_namespace


def peer_policies(mesh: Mesh) -> Iterator[MtlsPolicy]:
    """PeerAuthentications that set a mode for a whole namespace or the whole mesh."""
    root = mesh.root_namespace
    for resource in mesh.of_type(K.PEER_AUTHENTICATION):
        if selection(mesh, resource).labels is not None:
            continue
        mode = peer_mode(resource)
        if mode in ("STRICT", "PERMISSIVE", "DISABLE"):
            yield MtlsPolicy(resource, mode, resource.namespace == root)


def client_tls(resource: Resource) -> str | None:
    """A DestinationRule's ``trafficPolicy.tls.mode`` (upper case), or None."""
    policy = resource.spec.get("trafficPolicy")
    tls = policy.get("tls") if isinstance(policy, dict) else None
    mode = tls.get("mode") if isinstance(tls, dict) else None
    return mode.upper() if isinstance(mode, str) and mode else None


TLS_MODE_PATH = ("spec", "trafficPolicy", "tls", "mode")


def dr_scope(mesh: Mesh, resource: Resource) -> str | None:
    """Which services a DestinationRule's host pattern names, only to list the namespaces
    ``service_namespaces`` judges one by one (never to decide what applies):
    ``"mesh"`` for a host covering every cluster service (``*.local``,
    ``*.cluster.local``...), the namespace name for ``*.<ns>.svc.<domain>``, else None."""
    host = resource.spec.get("host")
    if not isinstance(host, str):
        return None
    domain = mesh.settings.cluster_domain
    if host in ("*", "*.local", f"*.{domain}", f"*.svc.{domain}"):
        return "mesh"
    suffix = f".svc.{domain}"
    if host.startswith("*.") and host.endswith(suffix):
        namespace = host[2 : -len(suffix)]
        if namespace and "." not in namespace:
            return namespace
    return None


@dataclass(frozen=True, slots=True)
class ClientTls:
    """What clients in one namespace send to a service: the DestinationRule entry that applies
    to them, the rule whose top-level ``trafficPolicy`` takes effect, and its TLS mode (None:
    no tls set, so auto-mTLS decides, or plain text without it)."""

    namespace: str  # the client namespace (ANY_OTHER_NAMESPACE: every one not listed)
    entry: MergedRule | None
    rule: Resource | None
    mode: str | None


def any_service_host(mesh: Mesh, namespace: str) -> str:
    """A name standing for the services of ``namespace`` that no DestinationRule names exactly
    (``~`` is in no Kubernetes name): only wildcard rules (``*.ns.svc...``, ``*.local``) cover
    it."""
    return f"~.{namespace}.svc.{mesh.settings.cluster_domain}"


def client_tls_modes(
    mesh: Mesh, service_namespace: str, host: str | None = None
) -> list[ClientTls]:
    """For each client namespace, the TLS mode its requests to ``host`` (a service of
    ``service_namespace``; by default any service of it no rule names exactly) use, as Istio
    decides which DestinationRule applies (``PushContext.destinationRule``,
    ``SidecarScope.DestinationRule``; ``mergeDestinationRule`` keeps the first top-level
    ``trafficPolicy``): ``destination_rules.applicable``/``effective``, never the host
    pattern alone."""
    return _client_tls_modes(
        mesh, service_namespace, host or any_service_host(mesh, service_namespace)
    )


@fact
def _client_tls_modes(mesh: Mesh, service_namespace: str, host: str) -> list[ClientTls]:
    service = None if service_namespace == ANY_OTHER_NAMESPACE else service_namespace
    found = []
    for namespace in client_namespaces(mesh, None, service, hosts=[host]):
        entry = effective(applicable(mesh, host, service, namespace), namespace)
        rule = entry.traffic_policy_rule() if entry is not None else None
        found.append(ClientTls(namespace, entry, rule, client_tls(rule) if rule else None))
    return found


def service_namespaces(mesh: Mesh) -> list[str]:
    """The namespaces whose services mTLS rules judge one by one: those where the
    DestinationRules or PeerAuthentications differ (their namespaces, the namespaces their
    hosts name) and ``ANY_OTHER_NAMESPACE`` for the rest."""
    names = set(client_namespaces(mesh, None))
    names |= {p.resource.namespace for p in peer_policies(mesh) if p.resource.namespace}
    for rule in mesh.of_type(K.DESTINATION_RULE):
        scope = dr_scope(mesh, rule)
        if scope not in (None, "mesh"):
            names.add(scope)
    names.discard(ANY_OTHER_NAMESPACE)
    return [*sorted(names), ANY_OTHER_NAMESPACE]


@dataclass(frozen=True, slots=True)
class MtlsState:
    """The namespace-wide and mesh-wide mTLS modes servers accept (PeerAuthentications).
    What clients send is ``client_tls_modes``: which DestinationRule applies is decided per
    client namespace, never from a host pattern."""

    mesh_peer: MtlsPolicy | None
    namespace_peer: dict[str, MtlsPolicy]

    def server_policy(self, namespace: str | None) -> MtlsPolicy | None:
        """The PeerAuthentication that decides the mode of ``namespace``'s workloads."""
        own = self.namespace_peer.get(namespace) if namespace else None
        return own or self.mesh_peer

    def peers(self) -> list[MtlsPolicy]:
        """The mesh-wide policy first, then the namespace ones."""
        return ([self.mesh_peer] if self.mesh_peer else []) + list(self.namespace_peer.values())


def mtls_state(mesh: Mesh) -> MtlsState:
    mesh_peer = None
    namespace_peer: dict[str, MtlsPolicy] = {}
    for policy in peer_policies(mesh):
        if policy.mesh_wide and mesh_peer is None:
            mesh_peer = policy
        elif not policy.mesh_wide and policy.resource.namespace:
            namespace_peer.setdefault(policy.resource.namespace, policy)
    return MtlsState(mesh_peer, namespace_peer)


def auto_mtls_note(mesh: Mesh) -> str:
    config = mesh.mesh_config
    state = "on" if config.enable_auto_mtls else "off"
    return f"auto-mTLS is {state} ({config.describe()})"


# -- AuthorizationPolicy rules ---------------------------------------------------------------


def _rule_items(policy: Resource, part: str, key: str) -> Iterator[tuple[tuple, dict]]:
    rules = policy.spec.get("rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else ()):
        items = rule.get(part) if isinstance(rule, dict) else None
        for position, item in enumerate(items if isinstance(items, list) else ()):
            value = item.get(key) if isinstance(item, dict) else None
            if isinstance(value, dict):
                yield ("spec", "rules", index, part, position, key), value


def authz_sources(policy: Resource) -> Iterator[tuple[tuple, dict]]:
    """``(path, source)`` for every ``rules[i].from[j].source`` of an AuthorizationPolicy."""
    return _rule_items(policy, "from", "source")


def authz_operations(policy: Resource) -> Iterator[tuple[tuple, dict]]:
    """``(path, operation)`` for every ``rules[i].to[j].operation``."""
    return _rule_items(policy, "to", "operation")


def string_items(mapping: dict, key: str) -> Iterator[tuple[int, str]]:
    """``(index, text)`` for the strings of a list field."""
    values = mapping.get(key)
    for index, value in enumerate(values if isinstance(values, list) else ()):
        if isinstance(value, str):
            yield index, value
