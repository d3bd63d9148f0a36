"""A route destination names a subset that no visible DestinationRule for its host defines.

Istio builds one Envoy cluster per subset. A subset nobody defines has no cluster, and every
request routed to it fails with a 503 (`NR`). It happens after a DestinationRule is renamed,
when a subset is spelled differently (`v1` vs `version-1`), or when the DestinationRule lives
in a namespace whose `exportTo` hides it from the VirtualService.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v3
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews.shop.svc.cluster.local
  subsets:
  - name: v1
    labels: {version: v1}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import subset_names
from meshlint.rules.base import Rule, quoted_list, related, report, suggest

RULE = Rule(
    code="ML102",
    name="dangling-subset",
    severity=Severity.ERROR,
    summary="A destination subset that no visible DestinationRule for that host defines.",
    kinds=("VirtualService", "DestinationRule"),
    refs=("IST0101", "KIA1107"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for destination in mesh.destinations:
        subset = destination.subset
        if subset is None:
            continue
        vs = destination.virtual_service
        rules = mesh.destination_rules_for(destination.candidates, vs.namespace)
        names = [name for rule in rules for name in subset_names(rule)]
        if subset in names:
            continue
        path = (*destination.path, "subset")
        if not rules:
            message = (
                f"subset {subset!r} of host {destination.host!r} is not defined: no "
                f"DestinationRule visible in namespace {vs.namespace!r} has that host; add a "
                f"DestinationRule for {destination.host!r} with subset {subset!r}"
            )
            # A DestinationRule whose exportTo hides it is the other end of this finding.
            hidden = {
                d.resource: None for d in mesh.destination_rule_hosts.lookup(destination.candidates)
            }
            where = [
                related(r, ("spec", "exportTo"), f"{r.display} is not exported here")
                for r in hidden
            ]
            yield report(RULE, vs, path, message, where)
            continue
        where = [related(r, ("spec", "subsets"), f"subsets of {r.display}") for r in rules]
        defined = quoted_list(names) if names else "none"
        message = (
            f"subset {subset!r} is not defined by the DestinationRule for host "
            f"{destination.host!r} ({', '.join(r.display for r in rules)}; subsets: {defined})"
            f"{suggest(subset, names)}; fix the name or add the subset there"
        )
        yield report(RULE, vs, path, message, where)
