"""A namespace with `istio-injection=disabled` holds workloads that run outside the mesh.

Pods of those workloads run without a sidecar: no mTLS, no telemetry, and routing and
authorization policies aimed at them do nothing. Often that is a leftover from a migration.
No injector webhook matches a namespace labelled `istio-injection=disabled` (istio-discovery
`templates/mutatingwebhook.yaml`: `namespace.` needs `enabled`, the others need the label to be
absent), so a pod label `sidecar.istio.io/inject: "true"` does not opt back in: such
workloads are reported too. Workloads whose template already carries a proxy
(`istioctl kube-inject`) or that run in ambient mode are not counted; namespaces that only hold
configuration are not reported.

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

from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import LEGACY, pod_injection
from meshlint.facts.injector import in_data_plane, injection_advice
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, quoted_list, report

RULE = Rule(
    code="ML402",
    name="injection-disabled",
    severity=Severity.WARNING,
    summary="`istio-injection=disabled` on a namespace that holds workloads outside the mesh.",
    kinds=("Namespace",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for namespace in mesh.of_type(K.NAMESPACE):
        if namespace.labels.get(LEGACY) != "disabled":
            continue
        outside = [w for w in mesh.workloads_in(namespace.name) if not in_data_plane(mesh, w)]
        if not outside:
            continue
        ignored = [
            w.resource.name
            for w in outside
            if (pod_injection(w.labels, w.annotations) or "").lower() == "true"
        ]
        message = (
            f"namespace {namespace.name!r} disables sidecar injection but holds "
            f"{len(outside)} workload(s) ({quoted_list(w.resource.name for w in outside)}) "
            "that run outside the mesh; "
            + (
                f'the pod label sidecar.istio.io/inject: "true" of {quoted_list(ignored)} is '
                "ignored here; "
                if ignored
                else ""
            )
            + injection_advice(namespace.labels)
        )
        yield report(RULE, namespace, ("metadata", "labels", LEGACY), message)
