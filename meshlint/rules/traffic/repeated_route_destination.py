"""One route lists the same destination (host, subset and port) twice.

The destinations of a route are the arms of a weighted split. Listing the same destination
twice is almost always a copy-paste slip in a canary rollout: the second entry was meant to
name the new subset, so the "90/10 split" actually sends 100% to the old version. Merge the
entries (adding their weights) or fix the subset.

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
      weight: 90
    - destination: {host: reviews, subset: v1}
      weight: 10
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
      weight: 90
    - destination: {host: reviews, subset: v2}
      weight: 10
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML223",
    name="repeated-route-destination",
    severity=Severity.WARNING,
    summary="The same host, subset and port listed twice in one route.",
    kinds=("VirtualService",),
    refs=("KIA1105",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    seen: dict[tuple, tuple] = {}
    for destination in mesh.destinations:
        if destination.mirror:
            continue
        route = destination.path[:-2]  # ("spec", section, i, "route")
        key = (
            id(destination.virtual_service),
            route,
            destination.candidates[-1],
            destination.subset,
            destination.port,
        )
        first = seen.setdefault(key, destination.path)
        if first is destination.path:
            continue
        subset = f" subset {destination.subset!r}" if destination.subset else ""
        message = (
            f"destination {destination.host!r}{subset} is already listed in this route; "
            "merge the two entries or name the subset you meant"
        )
        vs = destination.virtual_service
        where = [related(vs, first, "first listed here")]
        yield report(RULE, vs, (*destination.path, "host"), message, where)
