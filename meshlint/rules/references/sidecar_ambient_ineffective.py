"""A Sidecar resource applies to a namespace or workload in ambient mode, where it has no effect.

Ambient workloads have no sidecar proxy: ztunnel and waypoints carry their traffic, and they
never read Sidecar resources. A Sidecar left over from before a namespace moved to ambient
mode looks like it restricts egress or sets listeners, but it does nothing. A namespace is in
ambient mode when it is labelled `istio.io/dataplane-mode: ambient` and has no
sidecar-injection label (`istio-injection: enabled` or `istio.io/rev`).

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio.io/dataplane-mode: ambient}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress: [{hosts: ["./*"]}]
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress: [{hosts: ["./*"]}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.ambient import namespace_is_ambient, workload_is_ambient
from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import selection, workload_name
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML154",
    name="sidecar-ambient-ineffective",
    severity=Severity.WARNING,
    summary="A Sidecar that applies only to ambient-mode workloads, which ignore it.",
    kinds=("Sidecar",),
    refs=("IST0167",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for sidecar in mesh.of_type(K.SIDECAR):
        chosen = selection(mesh, sidecar)
        if chosen.labels is None:
            if namespace_is_ambient(mesh, sidecar.namespace):
                message = (
                    f"namespace {sidecar.namespace!r} is in ambient mode "
                    "(istio.io/dataplane-mode: ambient), so its workloads have no sidecar and "
                    "this Sidecar has no effect; delete it or move the settings to a waypoint"
                )
                yield report(RULE, sidecar, ("metadata", "name"), message)
            continue
        ambient = [w for w in chosen.workloads if workload_is_ambient(mesh, w)]
        if ambient:
            message = (
                f"the selected workload {workload_name(ambient[0])} is in ambient mode and has "
                "no sidecar, so this Sidecar has no effect on it; delete it or move the "
                "settings to a waypoint"
            )
            yield report(RULE, sidecar, chosen.path, message)
