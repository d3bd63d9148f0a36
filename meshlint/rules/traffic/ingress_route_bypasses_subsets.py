"""A gateway route sends traffic to a host without a subset, while the mesh routes that host
by subsets.

A VirtualService bound to a Gateway is applied by the gateway proxy only; the sidecar
VirtualService for the destination host (say `reviews` split 90/10 between subsets `v1` and
`v2`) is not consulted for traffic entering through the gateway. A gateway route to plain
`reviews` therefore spreads requests over every version, bypassing the canary split or the
version pinning the mesh rules express. Route to the subsets from the gateway route too, or
bind the mesh VirtualService to the gateway as well. Only VirtualServices bound to gateways
alone are checked: one that is also bound to `mesh` routes the same way everywhere.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http:
  - route:
    - destination: {host: reviews}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import Resource
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML211",
    name="ingress-route-bypasses-subsets",
    severity=Severity.INFO,
    summary="A gateway route without subset to a host that the mesh routes by subsets.",
    kinds=("VirtualService",),
    refs=("IST0140",),
)


def _gateway_only(vs: Resource) -> bool:
    """Bound to gateways and not to ``mesh``: a VirtualService that also serves the mesh
    routes the same way everywhere, so the gateway holds no surprise."""
    gateways = vs.spec.get("gateways")
    return isinstance(gateways, list) and bool(gateways) and "mesh" not in gateways


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    # Hosts that some VirtualService routes to by subset, for its own host.
    by_subset: dict[str, list[Resource]] = defaultdict(list)
    for destination in mesh.destinations:
        vs = destination.virtual_service
        if destination.subset is None or destination.mirror:
            continue
        full = destination.candidates[-1]
        own = vs.spec.get("hosts")
        own = own if isinstance(own, list) else []
        routes_own_host = any(
            isinstance(h, str) and mesh.cluster_fqdn(h, vs.namespace) == full for h in own
        )
        if routes_own_host and vs not in by_subset[full]:
            by_subset[full].append(vs)
    for destination in mesh.destinations:
        vs = destination.virtual_service
        if destination.subset is not None or destination.mirror or destination.path[1] != "http":
            continue
        if not _gateway_only(vs):
            continue
        others = [o for o in by_subset.get(destination.candidates[-1], ()) if o is not vs]
        if not others:
            continue
        names = quoted_list((o.display for o in others), ordered=True, quote=False)
        message = (
            f"traffic from the gateway to {destination.host!r} goes to every version: the "
            f"subset routing of {names} applies to sidecars only, not to this gateway route; "
            "name the subset here too, or bind that VirtualService to the gateway"
        )
        where = [related(o, ("spec", "hosts"), "mesh routing by subset") for o in others]
        yield report(RULE, vs, (*destination.path, "host"), message, where)
