"""A namespace with `istio-injection=disabled` holds workloads that do not opt back in.

Pods of those workloads run without a sidecar: no mTLS, no telemetry, and routing and
authorization policies aimed at them do nothing. Often that is a leftover from a migration.
Workloads whose pod template sets `sidecar.istio.io/inject: "true"` opt in on their own and
are not counted. Namespaces that only hold configuration are not reported.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: disabled}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: shop
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers: [{name: app, image: frontend:1.0}]
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: shop
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata:
      labels: {app: frontend}
    spec:
      containers: [{name: app, image: frontend:1.0}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.injection import LEGACY, pod_opts_in
from meshlint.model import K
from meshlint.rules.base import Rule, quoted_list, report

RULE = Rule(
    code="ML402",
    name="injection-disabled",
    severity=Severity.WARNING,
    summary="`istio-injection=disabled` on a namespace that holds workloads.",
    kinds=("Namespace", "Deployment", "StatefulSet", "DaemonSet", "Pod"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for namespace in mesh.of_type(K.NAMESPACE):
        if namespace.labels.get(LEGACY) != "disabled":
            continue
        outside = [
            w.resource.name
            for w in mesh.workloads_in(namespace.name)
            if not pod_opts_in(w.labels, w.annotations)
        ]
        if not outside:
            continue
        message = (
            f"namespace {namespace.name!r} disables sidecar injection but holds "
            f"{len(outside)} workload(s) ({quoted_list(outside)}) that run outside the mesh; "
            "set istio-injection=enabled, or opt each workload in with the pod label "
            'sidecar.istio.io/inject: "true"'
        )
        yield report(RULE, namespace, ("metadata", "labels", LEGACY), message)
