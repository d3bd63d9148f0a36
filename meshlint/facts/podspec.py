"""Pod specs and Service ports as Istio reads them: containers, protocols from port names,
whether a workload is in the mesh, and what the sidecar injector would do with it.

Shared by the data-plane rules (ML41x-ML46x); the graph stays generic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Mapping

from meshlint.facts.graph import Mesh, Workload
from meshlint.facts.injection_labels import is_system_namespace, namespace_revision, pod_injection
from meshlint.facts.memo import fact
from meshlint.input.resources import Resource
from meshlint.istio.protocols import KNOWN

__all__ = [
    "PROXY",
    "auto_image",
    "containers",
    "has_proxy",
    "in_mesh",
    "port_protocol",
    "service_ports",
]

PROXY = "istio-proxy"
# Protocol names Istio accepts as a port-name prefix or an appProtocol (protocol.Parse).
PROTOCOLS = frozenset(name.lower() for name in KNOWN)
# appProtocol values Istio also understands (Kubernetes-standard names, HBONE for waypoints).
APP_PROTOCOL_ALIASES = {
    "kubernetes.io/h2c": "http2",
    "kubernetes.io/ws": "http",
    "kubernetes.io/wss": "https",
    "hbone": "hbone",
}


def containers(template: Mapping) -> Iterator[tuple[tuple[object, ...], dict]]:
    """``(path from the template, container)`` for containers and init containers."""
    spec = template.get("spec")
    if not isinstance(spec, dict):
        return
    for key in ("containers", "initContainers"):
        items = spec.get(key)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield ("spec", key, index), item


def has_proxy(template: Mapping) -> bool:
    return any(c.get("name") == PROXY for _, c in containers(template))


def auto_image(template: Mapping) -> tuple[object, ...] | None:
    """Path (from the template) to the first ``image: auto`` of a regular container, or None.

    ``auto`` is the placeholder that Istio's injector replaces with the proxy image (gateway
    deployments use it); a pod that still has it was never injected and cannot start."""
    for path, container in containers(template):
        if path[1] == "containers" and container.get("image") == "auto":
            return (*path, "image")
    return None


def port_protocol(name: object, protocol: object = None, app_protocol: object = None) -> str | None:
    """The protocol Istio gives a Service port, or None when it cannot tell (Unsupported)."""
    if isinstance(protocol, str) and protocol.upper() in ("UDP", "SCTP"):
        return protocol.lower()
    if isinstance(app_protocol, str) and app_protocol:
        lowered = app_protocol.lower()
        if lowered in PROTOCOLS:
            return lowered
        if lowered in APP_PROTOCOL_ALIASES:
            return APP_PROTOCOL_ALIASES[lowered]
    if not isinstance(name, str):
        return None
    lowered = name.lower()
    if lowered.startswith("grpc-web"):
        return "grpc-web"
    prefix = lowered.split("-", 1)[0]
    return prefix if prefix in PROTOCOLS else None


def service_ports(service: Resource) -> Iterator[tuple[tuple[object, ...], dict]]:
    ports = service.spec.get("ports")
    if isinstance(ports, list):
        for index, port in enumerate(ports):
            if isinstance(port, dict):
                yield ("spec", "ports", index), port


def _pod_injection(workload: Workload) -> bool | None:
    """The pod's own choice: label first, then the older annotation."""
    value = pod_injection(workload.labels, workload.annotations)
    if value is None:
        return None
    return value.lower() == "true"


def namespace_injected(mesh: Mesh, namespace: str | None) -> bool:
    """The namespace asks for sidecars (``istio-injection=enabled`` or a revision label)."""
    labels = mesh.namespace_labels(namespace) if namespace else None
    if not labels:
        return False
    return namespace_revision(labels)[0]


def in_mesh(mesh: Mesh, workload: Workload) -> bool:
    """Istio's view of whether a workload runs with a sidecar (pkg/config/analysis util)."""
    if has_proxy(workload.template):
        return True
    own = _pod_injection(workload)
    if own is not None:
        return own
    return namespace_injected(mesh, workload.resource.namespace)


@fact
def meshed_controllers(mesh: Mesh) -> list[Workload]:
    """Pod templates of workload controllers that run with a sidecar, outside system
    namespaces: the workloads whose Services Istio compares (worked out once per run)."""
    return [
        workload
        for workload in mesh.workloads
        if workload.path
        and not is_system_namespace(workload.resource.namespace or "", mesh.settings)
        and in_mesh(mesh, workload)
    ]


def services_selecting(mesh: Mesh, workload: Workload) -> list[Resource]:
    """Services in the workload's namespace whose (non-empty) selector matches its pods (the
    graph's ``selects`` edges; read once per workload and run, do not change the list)."""
    return _services_selecting(mesh, workload.resource)


@fact
def _services_selecting(mesh: Mesh, resource: Resource) -> list[Resource]:
    services: dict[int, Resource] = {}
    for service, _, key in mesh.graph.in_edges(resource, keys=True):
        if key == "selects":
            services.setdefault(id(service), service)
    return list(services.values())


PortMember = tuple[Resource, tuple[object, ...], Hashable]


def workload_port_groups(
    mesh: Mesh, key: Callable[[dict], tuple[Hashable, Hashable] | None]
) -> Iterator[tuple[Workload, Hashable, list[PortMember]]]:
    """Ports of the Services selecting each meshed controller that disagree about it.

    ``key(port)`` gives ``(group, value)`` or None to skip the port. For each group (in key
    order) whose ports carry two or more values, yields the workload, the group and its
    ``(service, path to the port, value)`` members, grouped by value in first-seen order."""
    for workload in meshed_controllers(mesh):
        groups: dict = defaultdict(lambda: defaultdict(list))
        for service in services_selecting(mesh, workload):
            for path, port in service_ports(service):
                keys = key(port)
                if keys is not None:
                    group, value = keys
                    groups[group][value].append((service, path))
        for group, values in sorted(groups.items()):
            if len(values) >= 2:
                members = [(s, p, v) for v, items in values.items() for s, p in items]
                yield workload, group, members


def template_labels_path(workload: Workload) -> tuple[object, ...]:
    """Where a finding about the workload's identity points: its pod labels."""
    return (*workload.path, "metadata", "labels")


def container_ports(template: Mapping) -> list[dict]:
    ports = []
    for path, container in containers(template):
        if path[1] != "containers":
            continue
        items = container.get("ports")
        if isinstance(items, list):
            ports.extend(p for p in items if isinstance(p, dict))
    return ports
