"""What the networking rules share: host overlap, Gateway servers and the workloads a
selector reaches, in the analysed files or declared in the settings as existing elsewhere.

Kept apart from ``graph.py`` because only the traffic rules need it; it reads the Mesh and
never the files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from meshlint.facts.graph import Destination, GatewayRef, Mesh
from meshlint.facts.hosts import HostDef, export_set
from meshlint.facts.memo import fact
from meshlint.facts.selectors import gateway_selector, known_workloads_selected, workloads_selected
from meshlint.input.resources import K, Resource, string_map

__all__ = [
    "OverlapIndex",
    "Server",
    "export_scope",
    "gateway_namespaces",
    "gateway_servers",
    "host_overlaps",
    "host_ports",
    "proxy_metadata",
    "route_namespaces",
    "scopes_meet",
    "virtual_service_hosts",
    "visible_definition",
]


def host_overlaps(a: str, b: str, fold_case: bool = True) -> bool:
    """Can some request host match both ``a`` and ``b``? (``*.x.com`` overlaps ``a.x.com``,
    ``*.com`` overlaps ``*.x.com``; ``*`` overlaps everything.) Istio's ``host.Name.Matches``:
    a leading ``*`` makes a wildcard whose rest must end the other name. DNS ignores case, so
    names are compared lowercased unless ``fold_case`` is False (Istio's own exact comparison)."""
    if fold_case:
        a, b = a.lower(), b.lower()
    if a.startswith("*"):
        if b.startswith("*"):
            return a.endswith(b[1:]) or b.endswith(a[1:])
        return b.endswith(a[1:])
    if b.startswith("*"):
        return a.endswith(b[1:])
    return a == b


class OverlapIndex:
    """Host names, in the order added, that answer "which is the first to overlap this
    name?" (``host_overlaps``, case folded) without comparing every pair: an exact name is
    found by lookup, a wildcard ``*X`` by looking up each suffix of the name. Only a wildcard
    query compares it with every name added."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = []
        self.exact: dict[str, int] = {}  # name -> first index
        self.wildcards: dict[str, int] = {}  # "X" of "*X" -> first index
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        name = name.lower()
        if name.startswith("*"):
            self.wildcards.setdefault(name[1:], len(self.names))
        else:
            self.exact.setdefault(name, len(self.names))
        self.names.append(name)

    def first_overlap(self, name: str) -> int | None:
        """The index of the first name added that overlaps ``name``, or None."""
        name = name.lower()
        if name.startswith("*"):
            overlapping = (i for i, o in enumerate(self.names) if host_overlaps(o, name, False))
            return next(overlapping, None)
        found = self.exact.get(name)
        for start in range(len(name) + 1):
            index = self.wildcards.get(name[start:])
            if index is not None and (found is None or index < found):
                found = index
        return found


@dataclass(frozen=True, slots=True)
class Server:
    """One ``servers[]`` entry of an Istio Gateway."""

    index: int
    port: int | None
    protocol: str
    hosts: tuple[tuple[str | None, str], ...]  # (namespace part or None, host)
    tls: Mapping
    bind: str = ""

    def path(self, *rest: object) -> tuple[object, ...]:
        """The path to this server (or to ``rest`` inside it) in its Gateway."""
        return ("spec", "servers", self.index, *rest)


def gateway_servers(gateway: Resource) -> Iterator[Server]:
    servers = gateway.spec.get("servers")
    if not isinstance(servers, list):
        return
    for index, server in enumerate(servers):
        if not isinstance(server, dict):
            continue
        port = server.get("port")
        port = port if isinstance(port, dict) else {}
        number = port.get("number")
        protocol = port.get("protocol")
        hosts = []
        server_hosts = server.get("hosts")
        for text in server_hosts if isinstance(server_hosts, list) else ():
            if isinstance(text, str) and text:
                namespace, slash, host = text.rpartition("/")
                hosts.append((namespace if slash else None, host))
        tls = server.get("tls")
        yield Server(
            index=index,
            port=number if isinstance(number, int) and not isinstance(number, bool) else None,
            protocol=protocol.upper() if isinstance(protocol, str) else "",
            hosts=tuple(hosts),
            tls=tls if isinstance(tls, dict) else {},
            bind=server.get("bind") if isinstance(server.get("bind"), str) else "",
        )


def virtual_service_hosts(mesh: Mesh) -> Iterator[tuple[str, Resource]]:
    """Each ``spec.hosts`` entry of each VirtualService, as a cluster FQDN, with its owner."""
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        hosts = vs.spec.get("hosts")
        for host in hosts if isinstance(hosts, list) else ():
            if isinstance(host, str):
                yield mesh.cluster_fqdn(host, vs.namespace), vs


def export_scope(resource: Resource) -> frozenset[str] | None:
    """The namespaces a resource is exported to (None: all), with ``.`` made concrete and
    ``~`` (exported nowhere) left out."""
    exported = export_set(resource.spec.get("exportTo"))
    if exported is None or "*" in exported:
        return None
    return frozenset(resource.namespace if n == "." else n for n in exported if n != "~")


def scopes_meet(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    """Is there a namespace where both export scopes are visible? An empty scope (exported
    only to ``~``) is visible nowhere, so it meets no other, not even one exported to all."""
    if a == frozenset() or b == frozenset():
        return False
    if a is None or b is None:
        return True
    return bool(a & b)


def proxy_metadata(mesh: Mesh) -> dict[str, str]:
    """``defaultConfig.proxyMetadata`` of the effective mesh config (``mesh.mesh_config``:
    the one source Istio reads, chosen among ConfigMaps and IstioOperators)."""
    default = mesh.mesh_config.raw.get("defaultConfig")
    metadata = default.get("proxyMetadata") if isinstance(default, dict) else None
    return string_map(metadata)


def host_ports(definition: HostDef) -> list[int]:
    """The port numbers a Service or ServiceEntry exposes for its host."""
    key = "port" if definition.resource.type == K.SERVICE else "number"
    ports = definition.resource.spec.get("ports")
    numbers = []
    for port in ports if isinstance(ports, list) else ():
        number = port.get(key) if isinstance(port, dict) else None
        if isinstance(number, int) and not isinstance(number, bool):
            numbers.append(number)
    return numbers


def visible_definition(mesh: Mesh, destination: Destination) -> HostDef | None:
    return mesh.visible_host(destination, destination.virtual_service.namespace)


@fact
def gateway_namespaces(mesh: Mesh, vs: Resource) -> tuple[bool, list[str]]:
    """``(applies_to_mesh, namespaces)``: whether sidecars get this VirtualService's routes
    (no ``gateways``, or ``mesh`` among them), and the namespaces of the gateway proxies it
    is bound to. A gateway resolves services and DestinationRules from its own namespace
    (``pilot/pkg/model/sidecar.go`` ``DefaultSidecarScopeForGateway``), not the
    VirtualService's. A Gateway whose proxies are neither in the files nor declared in
    ``known-workloads`` is left out: where it runs is unknown."""
    gateways = vs.spec.get("gateways")
    refs = _spec_gateway_refs(mesh).get(vs, [])
    mesh_too = not isinstance(gateways, list) or not gateways
    namespaces: list[str] = []
    for ref in refs:
        if ref.form == "mesh":
            mesh_too = True
        elif ref.gateway is not None:
            namespace, _ = gateway_workload_namespace(mesh, ref.gateway)
            if namespace and namespace not in namespaces:
                namespaces.append(namespace)
    return mesh_too, namespaces


@fact
def _spec_gateway_refs(mesh: Mesh) -> dict[Resource, list[GatewayRef]]:
    """Each VirtualService's spec-level gateway references."""
    by_vs: dict[Resource, list[GatewayRef]] = {}
    for ref in mesh.gateway_refs:
        if ref.path[:2] == ("spec", "gateways"):
            by_vs.setdefault(ref.virtual_service, []).append(ref)
    return by_vs


def route_namespaces(mesh: Mesh, vs: Resource) -> tuple[frozenset[str] | None, list[str]]:
    """``(sidecars, gateways)``: the namespaces of every proxy that gets this
    VirtualService's routes and resolves its destinations (services and DestinationRules)
    from its own namespace. ``sidecars`` is the VirtualService's export scope when it
    applies to ``mesh`` (None: every namespace), empty when it applies to gateways only;
    ``gateways`` the namespaces of its bound gateways' proxies
    (``DefaultSidecarScopeForGateway``). When it is bound only to gateways whose proxies
    the files do not show, its export scope stands for them: they may run anywhere it is
    visible."""
    mesh_too, gateways = gateway_namespaces(mesh, vs)
    if not mesh_too and gateways:
        return frozenset(), gateways
    return export_scope(vs), gateways


def gateway_workload_namespace(mesh: Mesh, gateway: Resource) -> tuple[str | None, bool]:
    """Where the Gateway's proxies run, which is where its ``credentialName`` Secrets must
    live: ``(namespace, in_files)``; ``(None, False)`` when no workload matches."""
    selector = gateway_selector(gateway)
    if not selector:
        return None, False
    found = workloads_selected(mesh, selector, None)
    known = known_workloads_selected(mesh, selector, None)
    if found:
        return found[0].resource.namespace, True
    if known:
        return known[0].namespace, False
    return None, False


def credential_names(gateway: Resource) -> Iterator[tuple[Server, str]]:
    """``(server, credentialName)`` for servers that load their certificate from a Secret."""
    for server in gateway_servers(gateway):
        name = server.tls.get("credentialName")
        if isinstance(name, str) and name and "/" not in name and ":" not in name:
            yield server, name
