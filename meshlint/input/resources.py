"""Resources: the Kubernetes and Istio objects found in the loaded documents.

A resource knows its identity (group, kind, namespace, name), its labels and annotations, its
body, and the file and document it came from, through which it finds its positions.
``kind: List`` documents (what ``kubectl get -o yaml`` prints) are unpacked into their items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from meshlint.input.loader import SourceFile
from meshlint.input.yamlpos import locate, locate_key

__all__ = [
    "CLUSTER_SCOPED",
    "Kind",
    "Resource",
    "ResourceRef",
    "document_objects",
    "extract_resources",
    "field_path",
    "positioned_object",
    "subset_names",
]

NETWORKING = "networking.istio.io"
SECURITY = "security.istio.io"
TELEMETRY = "telemetry.istio.io"
EXTENSIONS = "extensions.istio.io"
INSTALL = "install.istio.io"


class Kind(NamedTuple):
    """A kind regardless of version: Istio's v1alpha3, v1beta1 and v1 are one kind. A named
    tuple: the indexes hash one on every lookup, and a tuple's hash is computed in C."""

    group: str
    kind: str


class K:
    """The kinds meshlint's rules look at."""

    VIRTUAL_SERVICE = Kind(NETWORKING, "VirtualService")
    DESTINATION_RULE = Kind(NETWORKING, "DestinationRule")
    GATEWAY = Kind(NETWORKING, "Gateway")
    K8S_GATEWAY = Kind("gateway.networking.k8s.io", "Gateway")  # Gateway API
    SERVICE_ENTRY = Kind(NETWORKING, "ServiceEntry")
    SIDECAR = Kind(NETWORKING, "Sidecar")
    WORKLOAD_ENTRY = Kind(NETWORKING, "WorkloadEntry")
    ENVOY_FILTER = Kind(NETWORKING, "EnvoyFilter")
    AUTHORIZATION_POLICY = Kind(SECURITY, "AuthorizationPolicy")
    PEER_AUTHENTICATION = Kind(SECURITY, "PeerAuthentication")
    REQUEST_AUTHENTICATION = Kind(SECURITY, "RequestAuthentication")
    TELEMETRY = Kind(TELEMETRY, "Telemetry")
    ISTIO_OPERATOR = Kind(INSTALL, "IstioOperator")
    NAMESPACE = Kind("", "Namespace")
    SERVICE = Kind("", "Service")
    POD = Kind("", "Pod")
    CONFIG_MAP = Kind("", "ConfigMap")
    SECRET = Kind("", "Secret")
    DEPLOYMENT = Kind("apps", "Deployment")
    STATEFUL_SET = Kind("apps", "StatefulSet")
    DAEMON_SET = Kind("apps", "DaemonSet")
    REPLICA_SET = Kind("apps", "ReplicaSet")
    JOB = Kind("batch", "Job")
    CRON_JOB = Kind("batch", "CronJob")


# Where each workload controller keeps its pod template.
POD_TEMPLATE_PATHS: dict[Kind, tuple[str, ...]] = {
    K.DEPLOYMENT: ("spec", "template"),
    K.STATEFUL_SET: ("spec", "template"),
    K.DAEMON_SET: ("spec", "template"),
    K.REPLICA_SET: ("spec", "template"),
    K.JOB: ("spec", "template"),
    K.CRON_JOB: ("spec", "jobTemplate", "spec", "template"),
}

CLUSTER_SCOPED = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "StorageClass",
        "PriorityClass",
        "ClusterRole",
        "ClusterRoleBinding",
        "CustomResourceDefinition",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "APIService",
        "IngressClass",
        "GatewayClass",
        "RuntimeClass",
        "CSIDriver",
        "VolumeAttachment",
    }
)


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """What a finding says about its resource."""

    api_version: str
    kind: str
    namespace: str | None
    name: str


@dataclass(slots=True, eq=False)
class Resource:
    api_version: str
    group: str
    version: str
    kind: str
    name: str
    namespace: str | None  # the effective namespace; None for cluster-scoped kinds
    body: dict
    source: SourceFile
    document: int  # index of the document in the file
    item: int  # index in the items of a ``kind: ...List`` document, else -1
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    # ``body["spec"]`` when it is a mapping, else an empty one (rules read it very often).
    spec: dict = field(init=False, repr=False)
    # The kind regardless of version, made once: indexes and rules ask for it very often.
    type: Kind = field(init=False, repr=False)

    def __post_init__(self) -> None:
        spec = self.body.get("spec")
        self.spec = spec if isinstance(spec, dict) else {}
        self.type = Kind(self.group, self.kind)

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(self.api_version, self.kind, self.namespace, self.name)

    @property
    def display(self) -> str:
        if self.namespace is None:
            return f"{self.kind} {self.name}"
        return f"{self.kind} {self.namespace}/{self.name}"

    def positioned(self) -> tuple[object, int, int]:
        """The body with positions (``PosDict``/``PosList``) and where it starts, 0-based.
        The body rules read may have none (the fast path); this one is parsed for it."""
        return positioned_object(self.source, self.document, self.item)

    def locate(self, path: tuple[object, ...]) -> tuple[int, int]:
        """0-based position of ``path`` in this resource (its start when the path is empty)."""
        body, line, column = self.positioned()
        return locate(body, path, (line, column))

    def locate_key(self, path: tuple[object, ...]) -> tuple[int, int] | None:
        """0-based position of the *key* at the end of ``path`` (not of its value), if the
        mapping holding it exists."""
        return locate_key(self.positioned()[0], path)

    def pod_template(self) -> tuple[tuple[str, ...], dict] | None:
        """``(path, template)`` for a workload controller, ``((), body)`` for a bare Pod."""
        if self.type == K.POD:
            return (), self.body
        path = POD_TEMPLATE_PATHS.get(self.type)
        if path is None:
            return None
        node: object = self.body
        for step in path:
            node = node.get(step) if isinstance(node, dict) else None
        return (path, node) if isinstance(node, dict) else None


def field_path(path: Iterable[object]) -> str:
    """``("spec", "http", 0, "route")`` -> ``"spec.http[0].route"``."""
    out: list[str] = []
    for step in path:
        if isinstance(step, int):
            out.append(f"[{step}]")
        else:
            out.append(f".{step}" if out else str(step))
    return "".join(out)


def string_map(value: object) -> dict[str, str]:
    """Labels and annotations: keep string keys, turn scalar values into strings."""
    if not isinstance(value, dict):
        return {}
    result = {}
    for key, item in value.items():
        if isinstance(item, str):
            result[key] = item
        elif isinstance(item, bool):
            result[key] = "true" if item else "false"
        elif item is not None and not isinstance(item, (dict, list)):
            result[key] = str(item)
    return result


def subset_names(rule: Resource) -> list[str]:
    """The names of a DestinationRule's subsets, in order (entries without a string name are
    skipped)."""
    subsets = rule.spec.get("subsets")
    if not isinstance(subsets, list):
        return []
    return [s["name"] for s in subsets if isinstance(s, dict) and isinstance(s.get("name"), str)]


@dataclass(slots=True)
class Extraction:
    resources: list[Resource] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # file -> documents skipped


def extract_resources(
    sources: Iterable[SourceFile], default_namespace: str = "default"
) -> Extraction:
    """Turn parsed documents into resources; documents without apiVersion/kind are skipped
    and counted."""
    result = Extraction()
    for source in sources:
        for document in source.documents:
            for body, item in document_objects(document.value):
                resource = _resource(body, source, document.index, item, default_namespace)
                if resource is None:
                    result.skipped[source.path] = result.skipped.get(source.path, 0) + 1
                else:
                    result.resources.append(resource)
    return result


def document_objects(value: object) -> Iterator[tuple[object, int]]:
    """``(object, item)``: the document itself (item -1), or each item of a ``kind: ...List``
    document with its index."""
    if isinstance(value, dict):
        kind = value.get("kind")
        items = value.get("items")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
            yield from ((item, index) for index, item in enumerate(items))
            return
    yield value, -1


def positioned_object(source: SourceFile, document: int, item: int) -> tuple[object, int, int]:
    """The object ``document_objects`` yielded as ``(document, item)``, with positions, and
    where it starts (0-based)."""
    positioned = source.with_positions()[document]
    value, line, column = positioned.value, positioned.line, positioned.column
    if item < 0:
        return value, line, column
    items = value["items"]  # type: ignore[index]
    return items[item], items.pos[item * 2], items.pos[item * 2 + 1]


def _resource(
    body: object, source: SourceFile, document: int, item: int, default_ns: str
) -> Resource | None:
    if not isinstance(body, dict):
        return None
    api_version = body.get("apiVersion")
    kind = body.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or not kind:
        return None
    group, _, version = api_version.rpartition("/")
    metadata = body.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    name = metadata.get("name")
    name = name if isinstance(name, str) else ("" if name is None else str(name))
    if kind in CLUSTER_SCOPED:
        namespace = None
    else:
        own = metadata.get("namespace")
        namespace = own if isinstance(own, str) and own else default_ns
    return Resource(
        api_version=api_version,
        group=group,
        version=version,
        kind=kind,
        name=name,
        namespace=namespace,
        body=body,
        source=source,
        document=document,
        item=item,
        labels=string_map(metadata.get("labels")),
        annotations=string_map(metadata.get("annotations")),
    )
