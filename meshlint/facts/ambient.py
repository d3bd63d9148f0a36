"""Ambient mode: which namespaces and workloads run without sidecars.

In ambient mode there is no sidecar proxy, so Sidecar resources have no effect. A namespace is
ambient when labelled ``istio.io/dataplane-mode: ambient`` without a sidecar-injection label;
a workload is ambient when its pod says so (label or the CNI's redirection annotation) or when
it lives in an ambient namespace and does not opt out.
"""

from __future__ import annotations

from meshlint.facts.graph import Mesh, Workload
from meshlint.facts.injection_labels import DATAPLANE, LEGACY, REVISION, pod_injection

__all__ = ["namespace_is_ambient", "workload_is_ambient"]

REDIRECTION = "ambient.istio.io/redirection"


def namespace_is_ambient(mesh: Mesh, namespace: str | None) -> bool:
    labels = mesh.namespace_labels(namespace) if namespace else None
    if not labels or labels.get(LEGACY) == "enabled" or labels.get(REVISION):
        return False
    return labels.get(DATAPLANE) == "ambient"


def workload_is_ambient(mesh: Mesh, workload: Workload) -> bool:
    if workload.annotations.get(REDIRECTION) == "enabled":
        return True
    mode = workload.labels.get(DATAPLANE)
    if mode is not None:
        return mode == "ambient"
    if pod_injection(workload.labels, workload.annotations) == "true":
        return False
    return namespace_is_ambient(mesh, workload.resource.namespace)
