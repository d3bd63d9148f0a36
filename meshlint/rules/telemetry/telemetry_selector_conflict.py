"""Two or more Telemetry resources select the same workload.

For a given workload Istio uses a single workload-level Telemetry. When the selectors of
several Telemetry resources in a namespace overlap, which one applies to the shared pods is
undefined, so metrics overrides, sampling and access-log settings can flip between pushes.

## Bad

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: ratings-logs, namespace: shop}
spec:
  selector: {matchLabels: {app: ratings}}
  accessLogging: [{providers: [{name: envoy}]}]
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: v2-tracing, namespace: shop}
spec:
  selector: {matchLabels: {version: v2}}
  tracing: [{randomSamplingPercentage: 10}]
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
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: ratings, namespace: shop}
spec:
  selector: {matchLabels: {app: ratings}}
  accessLogging: [{providers: [{name: envoy}]}]
  tracing: [{randomSamplingPercentage: 10}]
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

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule
from meshlint.rules.selector_conflicts import conflicts

RULE = Rule(
    code="ML311",
    name="telemetry-selector-conflict",
    severity=Severity.ERROR,
    summary="Several Telemetry resources select the same workload.",
    kinds=("Telemetry",),
    refs=("IST0159",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    yield from conflicts(mesh, K.TELEMETRY, RULE, "Telemetry")
