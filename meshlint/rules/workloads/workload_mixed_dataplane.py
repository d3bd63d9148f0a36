"""A workload is enrolled in ambient mode and also gets a sidecar.

A pod labelled `istio.io/dataplane-mode=ambient` (or in an ambient namespace) that is also
injected with a sidecar (pod label `sidecar.istio.io/inject=true`, or an injection-enabled
namespace) is handled by the sidecar only: ztunnel skips pods with a sidecar. The ambient
enrolment then misleads whoever reads the manifests, and waypoint policies do not apply as
expected. Choose one data plane per workload.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio.io/dataplane-mode: ambient}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api, sidecar.istio.io/inject: "true"}
    spec:
      containers: [{name: api, image: api:1}]
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio.io/dataplane-mode: ambient}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers: [{name: api, image: api:1}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import WORKLOAD_KINDS, Mesh
from meshlint.facts.injection_labels import DATAPLANE, POD_INJECT
from meshlint.facts.podspec import in_mesh, template_labels_path
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML422",
    name="workload-mixed-dataplane",
    severity=Severity.WARNING,
    summary="A workload enrolled in ambient mode that also gets a sidecar.",
    kinds=WORKLOAD_KINDS,
    refs=("KIA1311",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for workload in mesh.workloads:
        resource = workload.resource
        own = workload.labels.get(DATAPLANE)
        ns_labels = mesh.namespace_labels(resource.namespace or "") or {}
        ambient = own == "ambient" or (own is None and ns_labels.get(DATAPLANE) == "ambient")
        if not ambient or not in_mesh(mesh, workload):
            continue
        if POD_INJECT in workload.labels:
            path = (*workload.path, "metadata", "labels", POD_INJECT)
        else:
            path = template_labels_path(workload) if workload.path else ("metadata", "labels")
        message = (
            f"{resource.display} is enrolled in ambient mode and also gets a sidecar; "
            "ztunnel skips pods with a sidecar, so pick one: drop the sidecar injection or "
            "set istio.io/dataplane-mode=none on the pods"
        )
        yield report(RULE, resource, path, message)
