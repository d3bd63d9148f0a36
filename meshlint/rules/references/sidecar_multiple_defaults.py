"""More than one Sidecar without `workloadSelector` in a namespace.

A Sidecar without selector is the default for every proxy of its namespace, and a namespace
can have only one. With two, Istio picks one of them (the oldest) and ignores the other, so an
edit to the ignored one changes nothing, and deleting the other one suddenly activates stale
settings. Namespaces in ambient mode are left to `sidecar-ambient-ineffective`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress: [{hosts: ["./*", "istio-system/*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: restrict-egress, namespace: shop}
spec:
  egress: [{hosts: ["./*"]}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress: [{hosts: ["./*", "istio-system/*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: billing}
spec:
  egress: [{hosts: ["./*"]}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.ambient import namespace_is_ambient
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule
from meshlint.rules.selector_conflicts import multiple_defaults

RULE = Rule(
    code="ML153",
    name="sidecar-multiple-defaults",
    severity=Severity.ERROR,
    summary="More than one selector-less (namespace default) Sidecar in a namespace.",
    kinds=("Sidecar",),
    refs=("IST0111", "KIA0002"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    yield from multiple_defaults(
        mesh, K.SIDECAR, RULE, "Sidecar", skip_namespace=namespace_is_ambient
    )
