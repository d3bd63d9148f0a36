"""A Sidecar's `workloadSelector` matches no workload in its namespace.

A Sidecar with a selector configures only the proxies of the pods it selects. When the labels
match nothing (a typo, a renamed label, a selector written for another namespace), the Sidecar
silently configures nothing, and the workload it was meant for keeps the namespace default:
its egress is not restricted and its ingress listeners are not set up. Workloads are the pod
templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and bare Pods
in the analysed files; a workload deployed from elsewhere can be declared with
`--known-workload namespace/label=value`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: reviews, namespace: shop}
spec:
  workloadSelector:
    labels: {app: review}
  egress:
  - hosts: ["./*", "istio-system/*"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews}}
  template:
    metadata: {labels: {app: reviews}}
    spec:
      containers: [{name: reviews, image: reviews:1.0}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: reviews, namespace: shop}
spec:
  workloadSelector:
    labels: {app: reviews}
  egress:
  - hosts: ["./*", "istio-system/*"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews}}
  template:
    metadata: {labels: {app: reviews}}
    spec:
      containers: [{name: reviews, image: reviews:1.0}]
```

## Differences from Istio and Kiali

Workloads are the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs
and CronJobs plus bare Pods; Istio's analyzers look at live Pods only, which a manifests tree
does not hold. Istio's standard `istio=ingressgateway` and `istio=egressgateway` pods in
`istio-system` always exist, and `--known-workload` declares more.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import selection, selector_text
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML150",
    name="sidecar-selector-no-workload",
    severity=Severity.WARNING,
    summary="A Sidecar whose workloadSelector matches no workload in its namespace.",
    kinds=("Sidecar",),
    refs=("IST0101", "KIA0004"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for sidecar in mesh.of_type(K.SIDECAR):
        chosen = selection(mesh, sidecar)
        if chosen.labels is None or chosen.matches:
            continue
        message = (
            f"workloadSelector {selector_text(chosen.labels)} matches no workload in namespace "
            f"{sidecar.namespace!r} in the analysed files, so this Sidecar configures no proxy; "
            "fix the labels, or declare the workload with --known-workload if it is deployed "
            "from elsewhere"
        )
        yield report(RULE, sidecar, chosen.path, message)
