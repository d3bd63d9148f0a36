"""From an analysed mesh to its ``MeshView``: every answer comes from the facts layer (the
mesh graph, ``destination_rules.serving``, ``flow``, ``selectors``); this module only decides
what to show and how to name it.

The spine is the VirtualServices: each is drawn from the gateways it binds (and from
``mesh`` when sidecars get it) down to its routes, their destinations with the share of
requests each gets, the Service or ServiceEntry defining each host, the DestinationRule and
subset that apply, and the workloads they select. The filters choose VirtualServices.
"""

from __future__ import annotations

import os

from meshlint.engine.meshes import AnalysedMesh
from meshlint.facts.destination_rules import ANY_OTHER_NAMESPACE, describe_namespaces, serving
from meshlint.facts.flow import route_split, subset_definition, subset_workloads
from meshlint.facts.graph import Destination, GatewayRef, Mesh, Workload
from meshlint.facts.hosts import HostDef
from meshlint.facts.routes import RouteEntry, RouteRule, route_rules
from meshlint.facts.selectors import (
    gateway_selector,
    is_known_workload,
    selector_text,
    service_selector,
    service_workloads,
    workloads_selected,
)
from meshlint.facts.traffic import gateway_namespaces, gateway_servers
from meshlint.input.resources import K, Resource, field_path, string_map
from meshlint.outputs.graph.matches import describe_action, describe_match
from meshlint.outputs.graph.model import Edge, Filters, MeshView, Node, Place
from meshlint.outputs.paths import is_pseudo, portable_path

__all__ = ["build_view", "mesh_title"]

# Route destinations are drawn once per destination; other edges once per pair of nodes.
_PER_DESTINATION = frozenset({"routes_to", "mirrors_to"})


def mesh_title(name: str) -> str:
    """A mesh's name as the graph heads it: a directory relative to the working directory."""
    if name.startswith("<") or not os.path.isabs(name):
        return name
    return portable_path(name)


def build_view(analysed: AnalysedMesh, filters: Filters | None = None) -> MeshView:
    filters = filters if filters is not None else Filters()
    builder = _Builder(analysed, filters)
    builder.build()
    view = builder.view
    view.attach(analysed.findings, keep_unattached=not filters.active)
    return view


def percent(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class _Builder:
    def __init__(self, analysed: AnalysedMesh, filters: Filters) -> None:
        self.mesh: Mesh = analysed.mesh
        self.in_scope = analysed.in_scope
        self.origins = analysed.unit.origins
        self.filters = filters
        self.view = MeshView(mesh_title(analysed.unit.name))
        self.destinations = {(id(d.virtual_service), d.path): d for d in self.mesh.destinations}
        self.refs: dict[Resource, list[GatewayRef]] = {}
        for ref in self.mesh.gateway_refs:
            self.refs.setdefault(ref.virtual_service, []).append(ref)
        self.edge_index: dict[tuple[str, str, str], Edge] = {}

    # -- selection ----------------------------------------------------------------------
    def build(self) -> None:
        mesh, filters = self.mesh, self.filters
        chosen = [
            vs for vs in mesh.of_type(K.VIRTUAL_SERVICE) if self.in_scope(vs) and self._chosen(vs)
        ]
        bound = {_gateway_key(r) for vs in chosen for r in self.refs.get(vs, ())}
        for gateway in mesh.of_type(K.GATEWAY):
            key = f"{gateway.namespace}/{gateway.name}"
            if key in bound or (self.in_scope(gateway) and self._standalone(gateway)):
                self._gateway(gateway)
        if filters.gateway is None and any(gateway_namespaces(mesh, vs)[0] for vs in chosen):
            self._node("mesh", "mesh", "mesh (sidecars)")
        for vs in chosen:
            self._virtual_service(vs)

    def _chosen(self, vs: Resource) -> bool:
        filters, refs = self.filters, self.refs.get(vs, [])
        if filters.gateway is not None and filters.gateway not in map(_gateway_key, refs):
            return False
        namespace = filters.namespace
        if namespace is not None and vs.namespace != namespace:
            gateways = {r.namespace for r in refs if r.form != "mesh"}
            if namespace not in gateways:
                return False
        if filters.host is not None:
            names = _strings(vs.spec.get("hosts"))
            names += [self.mesh.cluster_fqdn(h, vs.namespace) for h in names]
            for destination in self.mesh.destinations:
                if destination.virtual_service is vs:
                    names += [destination.host, *destination.candidates]
            if not filters.host_matches(names):
                return False
        return True

    def _standalone(self, gateway: Resource) -> bool:
        """A Gateway shown for itself, bound or not: it passes every filter given."""
        filters = self.filters
        if filters.gateway not in (None, f"{gateway.namespace}/{gateway.name}"):
            return False
        if filters.namespace is not None and gateway.namespace != filters.namespace:
            return False
        hosts = [host for server in gateway_servers(gateway) for _, host in server.hosts]
        return filters.host_matches(hosts)

    # -- nodes and edges ----------------------------------------------------------------
    def _node(self, id_: str, kind: str, label: str, resource: Resource | None = None) -> Node:
        node = self.view.nodes.get(id_)
        if node is None:
            node = self.view.nodes[id_] = Node(id_, kind, label, resource)
            if resource is not None:
                node.place = self._place(resource)
                self.view.anchor(resource, "", node)
        return node

    def _resource_node(self, resource: Resource, kind: str) -> tuple[Node, bool]:
        """The node of ``resource``, and whether it is new."""
        id_ = _resource_id(resource)
        new = id_ not in self.view.nodes
        return self._node(id_, kind, resource.display, resource), new

    def _edge(self, source: Node, target: Node, kind: str, label: str = "") -> Edge:
        key = (source.id, target.id, kind)
        edge = None if kind in _PER_DESTINATION else self.edge_index.get(key)
        if edge is None:
            edge = Edge(source.id, target.id, kind, label)
            self.view.edges.append(edge)
            if kind not in _PER_DESTINATION:
                self.edge_index[key] = edge
        return edge

    def _place(self, resource: Resource, path: tuple[object, ...] = ()) -> Place:
        file = resource.source.path
        line, column = resource.locate(path)
        documents = getattr(self.origins, "documents", None)
        if documents is not None and file in documents:
            file, line, column = self.origins.map(file, line, column)
        return Place(None if is_pseudo(file) else portable_path(file), line + 1)

    # -- gateways -----------------------------------------------------------------------
    def _gateway(self, gateway: Resource) -> Node:
        node, new = self._resource_node(gateway, "gateway")
        if not new:
            return node
        node.details["servers"] = [
            {
                "port": server.port,
                "protocol": server.protocol or None,
                "hosts": [f"{ns}/{host}" if ns else host for ns, host in server.hosts],
            }
            for server in gateway_servers(gateway)
        ]
        selector = gateway_selector(gateway)
        node.details["selector"] = selector_text(selector) if selector else None
        proxies = workloads_selected(self.mesh, selector, None) if selector else []
        for workload in proxies:
            self._edge(node, self._workload(workload), "selects")
        if selector and not proxies and is_known_workload(self.mesh, selector, None):
            node.details["proxies"] = "declared in known-workloads"
        return node

    def _gateway_of(self, ref: GatewayRef) -> Node | None:
        if ref.form == "mesh":
            return self.view.nodes.get("mesh")
        if ref.form == "invalid":
            return None
        if ref.gateway is not None:
            return self._gateway(ref.gateway)
        key = _gateway_key(ref)
        node = self._node(f"gateway:{key}", "gateway", f"Gateway {key}")
        if ref.gateway_api is not None:
            node.dangling = (
                "a Gateway API Gateway: Istio binds VirtualServices to Istio Gateways only"
            )
        elif self.mesh.is_known_gateway(str(ref.namespace), ref.name):
            node.details["outside"] = "declared in known-gateways"
        else:
            node.dangling = f"no Gateway {key} in the files"
        return node

    # -- virtual services and routes ----------------------------------------------------
    def _virtual_service(self, vs: Resource) -> None:
        node, _ = self._resource_node(vs, "virtualservice")
        node.details["hosts"] = _strings(vs.spec.get("hosts"))
        mesh_too = gateway_namespaces(self.mesh, vs)[0]
        implicit = True
        for ref in self.refs.get(vs, ()):
            if self.filters.gateway is not None and _gateway_key(ref) != self.filters.gateway:
                continue
            source = self._gateway_of(ref)
            if source is None:
                continue
            edge = self._edge(source, node, "binds")
            self.view.anchor(vs, field_path(ref.path), edge)
            implicit = implicit and ref.form != "mesh"
        mesh_node = self.view.nodes.get("mesh")
        if mesh_too and implicit and mesh_node is not None:
            self._edge(mesh_node, node, "binds")
        for rule in route_rules(self.mesh, vs):
            self._route(node, rule)

    def _route(self, vs_node: Node, rule: RouteRule) -> None:
        vs = rule.virtual_service
        id_ = f"route:{vs.namespace}/{vs.name}:{rule.section}[{rule.index}]"
        name = rule.body.get("name")
        label = f"{rule.section}[{rule.index}]" + (f" {name}" if isinstance(name, str) else "")
        node = self._node(id_, "route", label)
        node.place = self._place(vs, rule.path)
        self.view.anchor(vs, field_path(rule.path), node)
        node.details.update(
            section=rule.section,
            index=rule.index,
            name=name if isinstance(name, str) else None,
            match=[describe_match(m) for _, m in rule.matches],
            action=describe_action(rule),
        )
        self._edge(vs_node, node, "has_route")
        split = route_split(self.mesh, rule)
        if split is not None and split.rejected:
            node.details["rejected"] = split.rejected
        for entry in rule.entries():
            destination = self.destinations.get((id(vs), entry.destination_path))
            if destination is not None:
                self._destination(node, entry, destination, split)

    def _destination(self, route: Node, entry: RouteEntry, destination: Destination, split):
        host = self._host(destination)
        rules = self._rules(host, destination)
        target = self._subset(host, destination) if destination.subset else host
        kind = "mirrors_to" if entry.mirror else "routes_to"
        edge = self._edge(route, target, kind)
        self.view.anchor(destination.virtual_service, field_path(entry.destination_path), edge)
        details: dict[str, object] = {
            "host": destination.host,
            "subset": destination.subset,
            "port": destination.port,
        }
        if entry.mirror:
            details["mirror_percent"] = _mirror_percent(entry)
            edge.label = f"mirror {percent(details['mirror_percent'])}%"
        else:
            position = entry.path[-1]
            weight = entry.holder.get("weight")
            details["weight"] = weight if isinstance(weight, int) else None
            share = split.share_of(position) if split is not None else None
            details["share_percent"] = round(share, 1) if share is not None else None
            edge.label = _share_label(details["weight"], share)
        details["destination_rules"] = rules
        edge.details = details

    # -- hosts, subsets, rules and workloads --------------------------------------------
    def _host(self, destination: Destination) -> Node:
        definitions = self.mesh.host_definitions(destination)
        name = definitions[0].host if definitions else destination.candidates[-1]
        id_ = f"host:{name}"
        if id_ in self.view.nodes:
            return self.view.nodes[id_]
        node = self._node(id_, "host", name)
        for definition in definitions:
            self._definition(node, definition)
        if not definitions:
            if self.mesh.is_known_host(destination.candidates):
                node.details["outside"] = "declared in known-hosts"
            else:
                node.dangling = "no Service or ServiceEntry in the files defines it"
        return node

    def _definition(self, host: Node, definition: HostDef) -> None:
        resource = definition.resource
        is_service = resource.type == K.SERVICE
        node, new = self._resource_node(resource, "service" if is_service else "serviceentry")
        edge = self._edge(node, host, "defines_host")
        self.view.anchor(resource, field_path(definition.path), edge)
        if not new:
            return
        if not is_service:
            for key in ("location", "resolution"):
                value = resource.spec.get(key)
                node.details[key] = value if isinstance(value, str) else None
            return
        selector = service_selector(resource)
        node.details["selector"] = selector_text(selector) if selector else None
        workloads = service_workloads(self.mesh, resource)
        for workload in workloads:
            self._edge(node, self._workload(workload), "selects")
        if selector and not workloads and self._pods_expected(resource, selector):
            node.dangling = f"selector {selector_text(selector)} matches no workload in the files"

    def _pods_expected(self, service: Resource, selector: dict[str, str]) -> bool:
        """Would a missing workload be in the files? As ``subset-selects-no-pods`` reads
        it: with ``whole-cluster``, or when the files hold workloads of the namespace."""
        if is_known_workload(self.mesh, selector, service.namespace):
            return False
        return self.mesh.settings.whole_cluster or bool(self.mesh.workloads_in(service.namespace))

    def _rules(self, host: Node, destination: Destination) -> list[dict[str, object]]:
        """The DestinationRules that apply to ``destination`` and the client namespaces
        where each does (``serving``); each also ``configures`` the host on the graph."""
        found: dict[str, list[str]] = {}
        for namespace, entry in serving(self.mesh, destination):
            for rule in entry.rules if entry is not None else ():
                rule_node, _ = self._resource_node(rule, "destinationrule")
                _add_client(self._edge(rule_node, host, "configures"), namespace)
                clients = found.setdefault(rule_node.id, [])
                if namespace not in clients:
                    clients.append(namespace)
        return [{"id": id_, "clients": _sorted(clients)} for id_, clients in found.items()]

    def _subset(self, host: Node, destination: Destination) -> Node:
        name = str(destination.subset)
        node = self._node(f"subset:{host.label}/{name}", "subset", f"subset {name} of {host.label}")
        node.details.update(host=host.label, name=name)
        self._edge(node, host, "subset_of")
        lacking: list[str] = []
        for namespace, entry in serving(self.mesh, destination):
            if entry is None or name not in entry.subsets:
                lacking.append(namespace)
                continue
            defining, index = subset_definition(entry, name)
            rule_node, _ = self._resource_node(defining, "destinationrule")
            if (rule_node.id, node.id, "defines_subset") not in self.edge_index:
                self._edge(rule_node, node, "defines_subset")
                self.view.anchor(defining, f"spec.subsets[{index}]", node)
                self._subset_workloads(node, host, defining, index)
        if lacking and node.dangling is None:
            node.dangling = (
                f"no DestinationRule that applies defines subset {name!r} for clients in "
                f"{describe_namespaces(lacking)}"
            )
        return node

    def _subset_workloads(self, node: Node, host: Node, rule: Resource, index: int) -> None:
        subset = rule.spec["subsets"][index]
        labels = string_map(subset.get("labels"))
        node.details["labels"] = selector_text(labels) if labels else None
        services = [
            self.view.nodes[e.source].resource
            for e in self.view.into(host.id, "defines_host")
            if self.view.nodes[e.source].kind == "service"
        ]
        if not services or services[0] is None:
            return
        service = services[0]
        if not service_selector(service) or not service_workloads(self.mesh, service):
            return
        chosen = subset_workloads(self.mesh, service, labels)
        for workload in chosen:
            self._edge(node, self._workload(workload), "selects")
        if not chosen:
            node.dangling = f"labels {selector_text(labels)} match no workload of {service.display}"

    def _workload(self, workload: Workload) -> Node:
        node, _ = self._resource_node(workload.resource, "workload")
        node.details["labels"] = selector_text(workload.labels) or None
        return node


def _add_client(edge: Edge, namespace: str) -> None:
    clients = edge.details.setdefault("clients", [])
    assert isinstance(clients, list)
    if namespace not in clients:
        clients[:] = _sorted([*clients, namespace])
    edge.label = f"for clients in {describe_namespaces(clients)}"


def _sorted(namespaces: list[str]) -> list[str]:
    """Namespaces by name, "any other namespace" last."""
    return sorted(namespaces, key=lambda name: (name == ANY_OTHER_NAMESPACE, name))


def _mirror_percent(entry: RouteEntry) -> float:
    holder = entry.holder
    value = holder.get("mirrorPercentage" if entry.key == "mirror" else "percentage")
    number = value.get("value") if isinstance(value, dict) else None
    if isinstance(number, (int, float)) and not isinstance(number, bool):
        return float(number)
    return 100.0


def _share_label(weight: int | None, share: float | None) -> str:
    if share is None:
        return f"weight {weight}" if weight is not None else ""
    if weight is None or round(share, 1) == weight:
        return f"{percent(share)}%"
    return f"weight {weight} = {percent(share)}%"


def _gateway_key(ref: GatewayRef) -> str:
    return "mesh" if ref.form == "mesh" else f"{ref.namespace}/{ref.name}"


def _resource_id(resource: Resource) -> str:
    where = f"{resource.namespace}/" if resource.namespace else ""
    return f"{resource.kind.lower()}:{where}{resource.name}"


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
