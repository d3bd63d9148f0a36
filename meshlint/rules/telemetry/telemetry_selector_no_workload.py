"""A Telemetry's `selector` matches no workload in its namespace.

A Telemetry with a selector changes metrics, traces and access logs only for the pods it
selects. When the labels match nothing, the intended workload keeps the namespace or mesh
defaults: the access logs or the sampling rate someone expects never appear. Workloads are the
pod templates of workload controllers and bare Pods in the analysed files; a workload deployed
from elsewhere can be declared with `--known-workload namespace/label=value`.

## Bad

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: reviews-logs, namespace: shop}
spec:
  selector:
    matchLabels: {app: review}
  accessLogging: [{providers: [{name: envoy}]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews
  namespace: shop
  labels: {app: reviews}
spec:
  containers: [{name: reviews, image: reviews:1.0}]
```

## Good

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: reviews-logs, namespace: shop}
spec:
  selector:
    matchLabels: {app: reviews}
  accessLogging: [{providers: [{name: envoy}]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews
  namespace: shop
  labels: {app: reviews}
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
    code="ML310",
    name="telemetry-selector-no-workload",
    severity=Severity.WARNING,
    summary="A Telemetry whose selector matches no workload in its namespace.",
    kinds=("Telemetry",),
    refs=("IST0101",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for telemetry in mesh.of_type(K.TELEMETRY):
        chosen = selection(mesh, telemetry)
        if chosen.labels is None or chosen.matches:
            continue
        message = (
            f"selector {selector_text(chosen.labels)} matches no workload in namespace "
            f"{telemetry.namespace!r} in the analysed files, so this Telemetry changes nothing; "
            "fix the labels, or declare the workload with --known-workload if it is deployed "
            "from elsewhere"
        )
        yield report(RULE, telemetry, chosen.path, message)
