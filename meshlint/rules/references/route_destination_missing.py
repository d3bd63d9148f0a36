"""A route entry or mirror has no destination host.

Every entry of `route` (and every `mirror`/`mirrors` entry) must name a `destination` with a
`host`. An entry without one, often left behind when a canary arm is deleted (`- {}` or a
`weight` alone), is rejected by Istio's validating webhook, so the whole VirtualService fails
to apply; where validation is off, the route points at an empty cluster and fails with 503.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 100
    - weight: 0
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 100
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.routes import route_rules
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML121",
    name="route-destination-missing",
    severity=Severity.ERROR,
    summary="A route or mirror entry without a destination host.",
    kinds=("VirtualService",),
    refs=("IST0101",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        for rule in route_rules(mesh, vs):
            for entry in rule.entries():
                if entry.host is not None:
                    continue
                what = "mirror" if entry.mirror else "route entry"
                message = (
                    f"this {what} has no destination host, so the VirtualService is "
                    "rejected on apply; add `destination: {host: ...}` or remove the entry"
                )
                at = entry.destination_path if entry.key == "mirror" else entry.path
                yield report(RULE, vs, at, message)
