"""Which workloads a selector picks: the one answer for every rule and fact.

Istio selects workloads by labels in three shapes, all answered here:
- a workload selector (``selector.matchLabels`` of policies, ``workloadSelector.labels`` of a
  Sidecar, a Gateway's ``selector``, a Service's ``selector``): every pair must be among the
  pod's labels (``pkg/config/labels`` ``Instance.SubsetOf``); an empty one selects the whole
  namespace, which callers decide about before asking;
- a Kubernetes ``LabelSelector`` with ``matchExpressions`` (the injector webhooks'
  ``namespaceSelector``/``objectSelector``), ``label_selector_matches``;
- workloads that exist outside the analysed files, declared in ``known-workloads``.
Selections are worked out once per run (``@fact``); callers must not change the lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from meshlint.config.settings import KnownWorkload, parse_known_workloads
from meshlint.facts.memo import fact
from meshlint.input.globs import glob_matcher
from meshlint.input.resources import K, Resource, string_map

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh, Workload

__all__ = [
    "Selection",
    "gateway_selector",
    "is_known_workload",
    "known_workloads_selected",
    "label_selector_matches",
    "selection",
    "selector_text",
    "selects",
    "service_selector",
    "service_workloads",
    "workload_name",
    "workloads_selected",
]


def selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    """Does a workload selector pick a pod with ``labels``? Every pair must match."""
    return all(labels.get(key) == value for key, value in selector.items())


def label_selector_matches(selector: object, labels: Mapping[str, str]) -> bool:
    """A Kubernetes LabelSelector (``matchLabels`` and ``matchExpressions``); absent matches all."""
    if selector is None:
        return True
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict) and not selects(
        {str(k): str(v) for k, v in match_labels.items()}, labels
    ):
        return False
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        if not isinstance(expression, dict):
            continue
        key, operator = expression.get("key"), expression.get("operator")
        if not isinstance(key, str):
            continue
        values = expression.get("values")
        values = [str(v) for v in values] if isinstance(values, list) else []
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def workloads_selected(
    mesh: Mesh, selector: Mapping[str, str], namespace: str | None
) -> list[Workload]:
    """Workloads (pod templates and Pods) whose labels match ``selector``, in ``namespace``
    or, when it is None, in any namespace (as a Gateway's selector reaches them). An empty
    selector matches every workload there."""
    return _selected(mesh, frozenset(selector.items()), namespace)


@fact
def _selected(mesh: Mesh, pairs: frozenset[tuple[str, str]], namespace: str | None) -> list:
    if not pairs:
        found = list(mesh.workloads)
    else:
        index = _by_label(mesh)
        pools = [index.get(pair, ()) for pair in pairs]
        selector = dict(pairs)
        found = [w for w in min(pools, key=len) if selects(selector, w.labels)]
    if namespace is not None:
        found = [w for w in found if w.resource.namespace == namespace]
    return found


@fact
def _by_label(mesh: Mesh) -> dict[tuple[str, str], list]:
    index: dict[tuple[str, str], list] = defaultdict(list)
    for workload in mesh.workloads:
        for item in workload.labels.items():
            index[item].append(workload)
    return index


def known_workloads_selected(
    mesh: Mesh, selector: Mapping[str, str], namespace: str | None
) -> list[KnownWorkload]:
    """The ``known-workloads`` entries (outside the analysed files) that ``selector`` picks,
    in a namespace their glob matches (any namespace when ``namespace`` is None)."""
    found = []
    for known in _known_workloads(mesh):
        if namespace is not None and not glob_matcher((known.namespace,))(namespace):
            continue
        if selects(selector, known.labels):
            found.append(known)
    return found


@fact
def _known_workloads(mesh: Mesh) -> tuple[KnownWorkload, ...]:
    return tuple(parse_known_workloads(mesh.settings.known_workloads))


def is_known_workload(mesh: Mesh, selector: Mapping[str, str], namespace: str | None) -> bool:
    """Declared in ``known-workloads`` as existing outside the analysed files."""
    return bool(known_workloads_selected(mesh, selector, namespace))


def gateway_selector(gateway: Resource) -> dict[str, str]:
    """An Istio Gateway's ``selector``: the labels of the gateway proxies, in any namespace
    (``PILOT_SCOPE_GATEWAY_TO_NAMESPACE`` off, Istio's default)."""
    return string_map(gateway.spec.get("selector"))


def service_selector(service: Resource) -> dict[str, str]:
    """A Service's ``selector`` (empty: a Service without selector, whose endpoints are
    managed by hand or by another controller)."""
    return string_map(service.spec.get("selector"))


def service_workloads(mesh: Mesh, service: Resource) -> list[Workload]:
    """The workloads a Service's (non-empty) selector picks in its namespace: those the
    graph's ``selects`` edges link it to."""
    selector = service_selector(service)
    return workloads_selected(mesh, selector, service.namespace) if selector else []


@dataclass(frozen=True, slots=True)
class Selection:
    """A policy's workload selector: labels, where they are written, and what they match."""

    labels: dict[str, str] | None  # None: no selector (applies to the whole namespace)
    path: tuple[object, ...]
    workloads: list[Workload]
    known_outside: bool  # declared in known-workloads

    @property
    def matches(self) -> bool:
        return bool(self.workloads) or self.known_outside


def _selector_path(resource: Resource) -> tuple[str, ...]:
    if resource.type in (K.SIDECAR, K.SERVICE_ENTRY):
        return ("spec", "workloadSelector", "labels")
    return ("spec", "selector", "matchLabels")


@fact
def selection(mesh: Mesh, resource: Resource, anywhere: bool = False) -> Selection:
    """The workloads a policy (Sidecar, PeerAuthentication, RequestAuthentication,
    AuthorizationPolicy, Telemetry, ...) selects in its namespace (everywhere when
    ``anywhere``). An empty or missing selector yields ``labels=None``."""
    path = _selector_path(resource)
    node: object = resource.body
    for step in path:
        node = node.get(step) if isinstance(node, dict) else None
    labels = string_map(node)
    if not labels:
        return Selection(None, path, [], False)
    namespace = None if anywhere else resource.namespace
    workloads = workloads_selected(mesh, labels, namespace)
    known = not workloads and is_known_workload(mesh, labels, namespace)
    return Selection(labels, path, workloads, known)


def selector_text(labels: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def workload_name(workload: Workload) -> str:
    return workload.resource.display
