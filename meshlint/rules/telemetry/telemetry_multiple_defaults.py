"""More than one Telemetry without selector in a namespace.

A Telemetry without `selector` or `targetRef` is the default for its whole namespace (for the
whole mesh in the root namespace), and there can be only one. With two, Istio uses one of them
and ignores the other, so half of the intended metrics, tracing or logging settings are lost.

## Bad

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: logs, namespace: shop}
spec:
  accessLogging: [{providers: [{name: envoy}]}]
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: tracing, namespace: shop}
spec:
  tracing: [{randomSamplingPercentage: 5}]
```

## Good

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: default, namespace: shop}
spec:
  accessLogging: [{providers: [{name: envoy}]}]
  tracing: [{randomSamplingPercentage: 5}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule
from meshlint.rules.selector_conflicts import multiple_defaults

RULE = Rule(
    code="ML312",
    name="telemetry-multiple-defaults",
    severity=Severity.ERROR,
    summary="More than one selector-less (namespace default) Telemetry in a namespace.",
    kinds=("Telemetry",),
    refs=("IST0160",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    yield from multiple_defaults(mesh, K.TELEMETRY, RULE, "Telemetry")
