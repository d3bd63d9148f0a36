"""The mesh graph: gateways, virtual services, hosts, subsets and workloads, and the edges
between them, built once per run. Rules ask the graph; they never re-scan the resources.

Nodes are ``Resource`` objects, plus ``("host", name)``, ``("subset", host, name)`` and
``("gateway", namespace, name)`` for things that are referred to. Edges are keyed by
their kind (``binds``, ``routes_to``, ``mirrors_to``, ``uses_subset``, ``defines_host``,
``configures``, ``defines_subset``, ``selects``) and list the records behind them in ``refs``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from meshlint.config.settings import Settings
from meshlint.facts.hosts import HostDef, HostTable, export_set, host_candidates, to_fqdn
from meshlint.facts.meshconfig import MeshConfig, read_mesh_config
from meshlint.facts.routes import RouteEntry, route_rules
from meshlint.facts.selectors import service_workloads
from meshlint.input.globs import glob_matcher
from meshlint.input.loader import SourceFile
from meshlint.input.resources import (
    POD_TEMPLATE_PATHS,
    K,
    Kind,
    Resource,
    string_map,
    subset_names,
)
from meshlint.layout.identity import Duplicate

__all__ = ["WORKLOAD_KINDS", "Destination", "GatewayRef", "Mesh", "Workload", "build_mesh"]

# Namespaces every Kubernetes cluster has.
ALWAYS_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})


@dataclass(frozen=True, slots=True, eq=False)
class Destination:
    """One ``destination`` of a VirtualService route or mirror."""

    virtual_service: Resource
    path: tuple[object, ...]  # to the destination mapping
    host: str
    candidates: tuple[str, ...]  # full names the host may stand for
    subset: str | None
    port: int | None
    mirror: bool


@dataclass(frozen=True, slots=True, eq=False)
class GatewayRef:
    """One entry of a VirtualService's ``gateways`` (spec-level or in a match)."""

    virtual_service: Resource
    path: tuple[object, ...]
    text: str
    namespace: str | None  # None for "mesh"
    name: str
    # "mesh", "qualified" (ns/name), "bare" (name, no dot), "legacy" (name.ns[.anything]),
    # "invalid" (refused by validation: ``./name``, an empty namespace or name)
    form: str
    gateway: Resource | None  # the Istio Gateway it names, if any
    gateway_api: Resource | None = None  # else a Gateway API Gateway of that name, if any

    @property
    def resolved(self) -> bool:
        """Bound to a gateway: ``mesh``, or an Istio Gateway. Gateway proxies bind
        VirtualServices by the name of the Istio Gateway config they merge
        (``pilot/pkg/model/gateway.go`` ``MergeGateways``), and a Kubernetes Gateway API
        Gateway is merged as a generated Istio Gateway of another name, so naming the
        Gateway API Gateway binds nothing."""
        return self.form == "mesh" or self.gateway is not None


# The kinds of the resources behind ``Mesh.workloads``: bare Pods and the controllers
# that hold a pod template.
WORKLOAD_KINDS = (K.POD.kind, *(kind.kind for kind in POD_TEMPLATE_PATHS))


@dataclass(slots=True, eq=False)
class Workload:
    """A pod template (of a controller) or a bare Pod."""

    resource: Resource
    path: tuple[str, ...]  # to the pod template; () for a Pod
    labels: dict[str, str]
    annotations: dict[str, str]
    template: dict = field(default_factory=dict)


class Mesh:
    """Everything a rule may ask about one run's resources."""

    def __init__(
        self, resources: list[Resource], sources: list[SourceFile], settings: Settings
    ) -> None:
        self.resources = resources
        self.sources = sources
        self.settings = settings
        import networkx  # imported when a graph is built, not by every rule module

        self.graph = networkx.MultiDiGraph()
        # Each edge's ``refs`` list by (source, target, kind): ``link`` finds an edge here
        # instead of through the graph's views, which cost more than the edge itself.
        self._edge_refs: dict[tuple[object, object, str], list] = {}
        self._by_type: dict[Kind, list[Resource]] = defaultdict(list)
        self._by_name: dict[tuple[Kind, str | None, str], Resource] = {}
        self.hosts = HostTable()
        self.destinations: list[Destination] = []
        self.gateway_refs: list[GatewayRef] = []
        self.workloads: list[Workload] = []
        self._workloads_by_ns: dict[str | None, list[Workload]] = defaultdict(list)
        # What ``@fact`` functions worked out for this mesh (meshlint.facts.memo).
        self.facts: dict[object, dict] = {}
        # Identities defined more than once in this mesh (only the last definition is in
        # ``resources``); see meshlint.layout.identity.
        self.duplicates: list[Duplicate] = []

    # -- index queries -------------------------------------------------------------------
    def of_type(self, *types: Kind) -> list[Resource]:
        if len(types) == 1:
            return self._by_type.get(types[0], [])
        return [r for t in types for r in self._by_type.get(t, ())]

    def get(self, kind: Kind, namespace: str | None, name: str) -> Resource | None:
        return self._by_name.get((kind, namespace, name))

    def namespace_labels(self, namespace: str) -> Mapping[str, str] | None:
        resource = self._by_name.get((K.NAMESPACE, None, namespace))
        return resource.labels if resource else None

    def workloads_in(self, namespace: str | None) -> list[Workload]:
        return self._workloads_by_ns.get(namespace, [])

    def link(self, source: object, target: object, kind: str, ref: object = None) -> None:
        """Add (or extend) the ``kind`` edge between two nodes, keyed by kind so parallel
        references of one kind share an edge and list their records."""
        refs = self._edge_refs.get((source, target, kind))
        if refs is None:
            refs = self._edge_refs[source, target, kind] = []
            self.graph.add_edge(source, target, key=kind, refs=refs)
        if ref is not None:
            refs.append(ref)

    def host_definitions(self, destination: Destination) -> list[HostDef]:
        """The Services and ServiceEntries that give ``destination`` a cluster: only those of
        exactly its name (``route.go`` ``GetDestinationCluster`` names the cluster after the
        host as written; a wildcard ServiceEntry has a cluster for the wildcard alone)."""
        return self.hosts.lookup(destination.candidates, exact=True)

    def visible_host(self, destination: Destination, namespace: str | None) -> HostDef | None:
        """The first of ``host_definitions(destination)`` visible from ``namespace``."""
        return self.hosts.first_visible(destination.candidates, namespace, exact=True)

    def cluster_fqdn(self, host: str, namespace: str | None) -> str:
        return to_fqdn(host, namespace, self.settings.cluster_domain)

    def is_known_host(self, candidates: Iterable[str]) -> bool:
        """Declared in the settings as existing outside the analysed files, or istiod's own
        Service (``istiod.istio-system``, revisioned ``istiod-<rev>``: the istio-discovery
        chart's service.yaml), which exists wherever Istio runs, unless the files hold
        istio-system's Services themselves (they render the control plane)."""
        candidates = tuple(candidates)
        if any(self._is_istiod(c) for c in candidates):
            return True
        patterns = self.settings.known_hosts
        return bool(patterns) and any(map(glob_matcher(patterns), candidates))

    def _is_istiod(self, name: str) -> bool:
        first, _, rest = name.lower().partition(".")
        in_system = rest == f"istio-system.svc.{self.settings.cluster_domain}"
        if self.settings.whole_cluster or "istio-system" in self._service_names[0]:
            return False
        return in_system and (first == "istiod" or first.startswith("istiod-"))

    def manages_host(self, candidates: Iterable[str]) -> bool:
        """Do the analysed files show they manage what would define one of these names? A
        manifests tree is rarely the whole cluster, so a name counts as managed when the files
        hold a Service of its namespace (``x.<ns>...``) or a Service of its first label in
        another namespace (a wrong namespace), and a name outside the cluster domain when
        they hold a ServiceEntry. Otherwise the definition may well be applied from
        elsewhere: Istio's bookinfo tutorial applies its routes and its Services from
        different files. With ``whole-cluster`` every name is managed."""
        if self.settings.whole_cluster:
            return True
        cluster = f".svc.{self.settings.cluster_domain}"
        namespaces, names = self._service_names
        for name in candidates:
            first, _, rest = name.lower().partition(".")
            if first in names or rest.partition(".")[0] in namespaces:
                return True
            if not name.endswith(cluster) and self.of_type(K.SERVICE_ENTRY):
                return True
        return False

    def is_known_gateway(self, namespace: str, name: str) -> bool:
        patterns = self.settings.known_gateways
        return bool(patterns) and glob_matcher(patterns)(f"{namespace}/{name}")

    @cached_property
    def _service_names(self) -> tuple[frozenset[str | None], frozenset[str]]:
        """The namespaces and the names of the Kubernetes Services in the analysed files."""
        services = self.of_type(K.SERVICE)
        return frozenset(r.namespace for r in services), frozenset(r.name for r in services)

    # -- mesh config, namespaces, selectors ------------------------------------------------
    @cached_property
    def mesh_config(self) -> MeshConfig:
        """The effective mesh config (``--mesh-config``, ConfigMap, IstioOperator, or
        Istio's defaults), read once per run."""
        candidates = self.of_type(K.CONFIG_MAP, K.ISTIO_OPERATOR)
        return read_mesh_config(candidates, self.settings)

    @property
    def root_namespace(self) -> str:
        """Istio's root namespace: the mesh config's ``rootNamespace``, else the
        ``root-namespace`` setting (``istio-system``). Mesh-wide Sidecars,
        PeerAuthentications, RequestAuthentications, AuthorizationPolicies, Telemetry and
        DestinationRules live there. The one answer every rule and fact reads."""
        return self.mesh_config.root_namespace

    @cached_property
    def namespace_names(self) -> frozenset[str]:
        """Namespaces the analysed files declare (``kind: Namespace``)."""
        return frozenset(r.name for r in self.of_type(K.NAMESPACE))

    def namespace_exists(self, pattern: str) -> bool | None:
        """Does a namespace match ``pattern`` (``*``, ``prefix*``, ``*suffix`` or exact)?
        None when unknown: the files declare no Namespace and no namespaces are configured."""
        known = self.settings.known_namespaces
        if not self.namespace_names and not known:
            return None
        matches = namespace_pattern(pattern)
        groups = (self.namespace_names, self.resource_namespaces, ALWAYS_NAMESPACES)
        if pattern[:1] != "*" and pattern[-1:] != "*":  # an exact name: look it up
            if any(pattern in group for group in groups):
                return True
        elif any(matches(name) for group in groups for name in group):
            return True
        if matches(self.root_namespace):
            return True
        return any(matches(k) or glob_matcher((k,))(pattern) for k in known)

    @cached_property
    def resource_namespaces(self) -> frozenset[str]:
        """Namespaces that analysed resources live in."""
        return frozenset(r.namespace for r in self.resources if r.namespace)


def build_mesh(resources: list[Resource], sources: list[SourceFile], settings: Settings) -> Mesh:
    mesh = Mesh(resources, sources, settings)
    graph = mesh.graph
    for resource in resources:
        kind = resource.type
        mesh._by_type[kind].append(resource)
        mesh._by_name.setdefault((kind, resource.namespace, resource.name), resource)
        graph.add_node(resource)
    for resource in resources:
        template = resource.pod_template()
        if template is not None:
            _add_workload(mesh, resource, *template)
    for service in mesh.of_type(K.SERVICE):
        _add_service(mesh, service)
    for entry in mesh.of_type(K.SERVICE_ENTRY):
        _add_service_entry(mesh, entry)
    for rule in mesh.of_type(K.DESTINATION_RULE):
        _add_destination_rule(mesh, rule)
    for virtual_service in mesh.of_type(K.VIRTUAL_SERVICE):
        _add_virtual_service(mesh, virtual_service)
    return mesh


def _add_workload(mesh: Mesh, resource: Resource, path: tuple[str, ...], template: dict) -> None:
    metadata = template.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    if path:
        labels = string_map(metadata.get("labels"))
        annotations = string_map(metadata.get("annotations"))
    else:
        labels, annotations = resource.labels, resource.annotations
    workload = Workload(resource, path, labels, annotations, template)
    mesh.workloads.append(workload)
    mesh._workloads_by_ns[resource.namespace].append(workload)


def namespace_pattern(pattern: str):
    """Istio's namespace match in policies: ``*``, ``prefix*``, ``*suffix`` or exact."""
    if pattern == "*":
        return lambda name: True
    if pattern.startswith("*"):
        return lambda name: name.endswith(pattern[1:])
    if pattern.endswith("*"):
        return lambda name: name.startswith(pattern[:-1])
    return lambda name: name == pattern


def _add_service(mesh: Mesh, service: Resource) -> None:
    fqdn = mesh.cluster_fqdn(service.name, service.namespace)
    export_to = export_set(service.annotations.get("networking.istio.io/exportTo"))
    mesh.hosts.add(HostDef(fqdn, service, export_to, ("metadata", "name")))
    mesh.link(service, ("host", fqdn), "defines_host")
    for workload in service_workloads(mesh, service):
        mesh.link(service, workload.resource, "selects")


def _add_service_entry(mesh: Mesh, entry: Resource) -> None:
    hosts = entry.spec.get("hosts")
    if not isinstance(hosts, list):
        return
    export_to = export_set(entry.spec.get("exportTo"))
    for index, host in enumerate(hosts):
        if not isinstance(host, str) or not host:
            continue
        fqdn = mesh.cluster_fqdn(host, entry.namespace)
        mesh.hosts.add(HostDef(fqdn, entry, export_to, ("spec", "hosts", index)))
        mesh.link(entry, ("host", fqdn), "defines_host")


def _add_destination_rule(mesh: Mesh, rule: Resource) -> None:
    host = rule.spec.get("host")
    if not isinstance(host, str) or not host:
        return
    # Which rule applies to a host, for which clients: meshlint.facts.destination_rules.
    fqdn = mesh.cluster_fqdn(host, rule.namespace)
    mesh.link(rule, ("host", fqdn), "configures")
    for name in subset_names(rule):
        mesh.link(rule, ("subset", fqdn, name), "defines_subset")


def _add_virtual_service(mesh: Mesh, vs: Resource) -> None:
    domain = mesh.settings.cluster_domain
    for rule in route_rules(mesh, vs):
        for entry in rule.entries():
            _add_destination(mesh, entry, domain)
        if rule.section == "http":
            for position, match in rule.matches:
                if isinstance(match.get("gateways"), list):
                    path = (*rule.path, "match", position, "gateways")
                    _add_gateway_refs(mesh, vs, path, match["gateways"])
    gateways = vs.spec.get("gateways")
    if isinstance(gateways, list):
        _add_gateway_refs(mesh, vs, ("spec", "gateways"), gateways)


def _add_destination(mesh: Mesh, entry: RouteEntry, domain: str) -> None:
    target = entry.destination
    host = entry.host
    if target is None or host is None:
        return
    vs = entry.rule.virtual_service
    subset = target.get("subset")
    port = target.get("port")
    number = port.get("number") if isinstance(port, dict) else None
    destination = Destination(
        virtual_service=vs,
        path=entry.destination_path,
        host=host,
        candidates=host_candidates(host, vs.namespace, domain),
        subset=subset if isinstance(subset, str) and subset else None,
        port=number if isinstance(number, int) and not isinstance(number, bool) else None,
        mirror=entry.mirror,
    )
    mesh.destinations.append(destination)
    definitions = mesh.host_definitions(destination)
    name = definitions[0].host if definitions else destination.candidates[-1]
    kind = "mirrors_to" if entry.mirror else "routes_to"
    mesh.link(vs, ("host", name), kind, destination)
    if destination.subset:
        mesh.link(vs, ("subset", name, destination.subset), "uses_subset", destination)


def _add_gateway_refs(mesh: Mesh, vs: Resource, path: tuple[object, ...], refs: list) -> None:
    for index, text in enumerate(refs):
        if not isinstance(text, str) or not text:
            continue
        ref = _resolve_gateway(mesh, vs, (*path, index), text)
        mesh.gateway_refs.append(ref)
        if ref.form not in ("mesh", "invalid"):
            target = ref.gateway or ref.gateway_api or ("gateway", ref.namespace, ref.name)
            mesh.link(vs, target, "binds", ref)


def _resolve_gateway(mesh: Mesh, vs: Resource, path: tuple[object, ...], text: str) -> GatewayRef:
    """A ``gateways`` entry as Istio reads it (``pilot/pkg/model/config.go``
    ``resolveGatewayName``): ``ns/name``; a name without a dot in the VirtualService's
    namespace; and any other name without a slash in the legacy ``name.namespace[...]`` form,
    its first label the name and its second the namespace, so a Gateway named
    ``shop.example.com`` referred to bare is looked for as ``example/shop``. ``./name`` and an
    empty part are refused by validation (``validateGatewayNames``: the namespace must be a
    DNS label)."""

    def ref(namespace: str | None, name: str, form: str) -> GatewayRef:
        if namespace is None or form == "invalid":
            return GatewayRef(vs, path, text, namespace, name, form, None)
        gateway = mesh.get(K.GATEWAY, namespace, name)
        gateway_api = None if gateway else mesh.get(K.K8S_GATEWAY, namespace, name)
        return GatewayRef(vs, path, text, namespace, name, form, gateway, gateway_api)

    if text == "mesh":
        return ref(None, "mesh", "mesh")
    if "/" in text:
        namespace, _, name = text.partition("/")
        valid = namespace not in ("", ".") and bool(name)
        return ref(namespace, name, "qualified" if valid else "invalid")
    if "." not in text:
        return ref(vs.namespace, text, "bare")
    name, _, rest = text.partition(".")
    return ref(rest.partition(".")[0], name, "legacy")
