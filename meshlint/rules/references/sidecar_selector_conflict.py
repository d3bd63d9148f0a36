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

from meshlint.facts.ambient import workload_is_ambient
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule
from meshlint.rules.selector_conflicts import conflicts

RULE = Rule(
    code="ML152",
    name="sidecar-selector-conflict",
    severity=Severity.ERROR,
    summary="Several Sidecars select the same workload; which one applies is undefined.",
    kinds=("Sidecar",),
    refs=("IST0110", "KIA0003"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    # A Sidecar does nothing for an ambient workload (sidecar-ambient-ineffective says so).
    yield from conflicts(mesh, K.SIDECAR, RULE, "Sidecar", skip=workload_is_ambient)
