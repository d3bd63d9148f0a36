"""Two VirtualServices for the sidecars (the `mesh` gateway) claim the same host.

Sidecars get one route table per host. When several VirtualServices bound to `mesh` define
the same host (or overlapping wildcards), Istio keeps the rules of only one of them, and which
one wins depends on creation order: a canary split or a retry policy silently stops applying
after a re-deploy. Merge the rules into one VirtualService per host, or use `exportTo` so the
two are never visible in the same namespace. A VirtualService without `gateways` is bound to
`mesh`; short hosts mean `<host>.<namespace>.svc.cluster.local`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-canary, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  http:
  - route:
    - destination: {host: reviews}
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
    - destination: {host: reviews}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-edge, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  gateways: [istio-system/edge]
  http:
  - route:
    - destination: {host: reviews}
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import K, Resource
from meshlint.rules.base import Rule, related, report
from meshlint.traffic import export_scope, host_overlaps, scopes_meet

RULE = Rule(
    code="ML212",
    name="conflicting-mesh-hosts",
    severity=Severity.WARNING,
    summary="Several VirtualServices bound to the `mesh` gateway define the same host.",
    kinds=("VirtualService",),
    refs=("IST0109", "KIA1106"),
)


Entry = tuple[Resource, int, str, frozenset[str] | None]


def _bound_to_mesh(vs: Resource) -> bool:
    gateways = vs.spec.get("gateways")
    if not isinstance(gateways, list) or not gateways:
        return True
    return "mesh" in gateways


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    exact: dict[str, list[Entry]] = defaultdict(list)
    wildcards: list[Entry] = []
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        hosts = vs.spec.get("hosts")
        if not _bound_to_mesh(vs) or not isinstance(hosts, list):
            continue
        scope = export_scope(vs)
        for index, host in enumerate(hosts):
            if isinstance(host, str) and host:
                fqdn = mesh.cluster_fqdn(host, vs.namespace).lower()
                entry = (vs, index, fqdn, scope)
                (wildcards if fqdn.startswith("*") else exact[fqdn]).append(entry)
    for group in [*exact.values(), wildcards]:
        if len(group) < 2:
            continue
        for vs, index, host, scope in group:
            others = [
                other
                for other in group
                if other[0] is not vs
                and (other[2] == host or host_overlaps(host, other[2]))
                and scopes_meet(scope, other[3])
            ]
            if not others:
                continue
            names = ", ".join(sorted({o[0].display for o in others}))
            message = (
                f"host {host!r} is also defined for the mesh by {names}; sidecars apply only "
                "one VirtualService per host, chosen by creation order; merge them into one "
                "VirtualService or separate them with exportTo"
            )
            where = [related(o[0], ("spec", "hosts", o[1]), "also defines it") for o in others]
            yield report(RULE, vs, ("spec", "hosts", index), message, where)
