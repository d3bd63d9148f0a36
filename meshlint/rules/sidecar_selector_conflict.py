"""Two or more Sidecars select the same workload.

Istio applies one Sidecar per proxy. When several Sidecars with a `workloadSelector` select
the same pod, which one wins is undefined (it depends on creation order), so egress
restrictions and listeners can change from one push to the next. Each Sidecar is reported,
with the workload they share and the other Sidecars involved. Workloads in ambient mode are
left to `sidecar-ambient-ineffective`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ratings, namespace: shop}
spec:
  workloadSelector: {labels: {app: ratings}}
  egress: [{hosts: ["./*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ratings-v2, namespace: shop}
spec:
  workloadSelector: {labels: {version: v2}}
  egress: [{hosts: ["./*", "istio-system/*"]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: ratings-v2
  namespace: shop
  labels: {app: ratings, version: v2}
spec:
  containers: [{name: ratings, image: ratings:2.0}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ratings, namespace: shop}
spec:
  workloadSelector: {labels: {app: ratings, version: v1}}
  egress: [{hosts: ["./*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: ratings-v2, namespace: shop}
spec:
  workloadSelector: {labels: {app: ratings, version: v2}}
  egress: [{hosts: ["./*", "istio-system/*"]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: ratings-v2
  namespace: shop
  labels: {app: ratings, version: v2}
spec:
  containers: [{name: ratings, image: ratings:2.0}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.ambient import workload_is_ambient
from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import K
from meshlint.policies import selection, workload_name
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML152",
    name="sidecar-selector-conflict",
    severity=Severity.ERROR,
    summary="Several Sidecars select the same workload; which one applies is undefined.",
    kinds=("Sidecar", "Deployment", "Pod"),
    refs=("IST0110", "KIA0003"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    yield from conflicts(mesh, K.SIDECAR, RULE, "Sidecar")


def conflicts(mesh: Mesh, kind, rule: Rule, noun: str) -> Iterator[Finding]:
    """Findings for every resource of ``kind`` whose selector shares a workload with another;
    shared with `telemetry-selector-conflict`."""
    by_workload: dict[int, tuple[object, list]] = {}
    for resource in mesh.of_type(kind):
        for workload in selection(mesh, resource).workloads:
            if kind == K.SIDECAR and workload_is_ambient(mesh, workload):
                continue
            by_workload.setdefault(id(workload), (workload, []))[1].append(resource)
    reported: set[int] = set()
    for workload, resources in by_workload.values():
        if len(resources) < 2:
            continue
        for resource in resources:
            if id(resource) in reported:
                continue
            reported.add(id(resource))
            others = [r for r in resources if r is not resource]
            message = (
                f"{workload_name(workload)} is also selected by {noun} "
                f"{quoted_list(r.name for r in others)}; only one {noun} applies to a proxy and "
                "which one is undefined. Make the selectors disjoint or merge the resources"
            )
            where = [related(r, ("metadata", "name"), f"also selects: {r.display}") for r in others]
            yield report(rule, resource, ("metadata", "name"), message, where)
