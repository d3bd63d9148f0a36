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
from collections.abc import Iterable, Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.traffic import export_scope, host_overlaps, scopes_meet
from meshlint.findings import Finding, Location, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, quoted_list, related, report

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


def _overlapping(group: list[Entry]) -> list[list[Entry]]:
    """For each wildcard entry, those of other VirtualServices that overlap it where both
    are visible, in group order."""
    return [
        [
            other
            for other in group
            if other[0] is not vs
            and (other[2] == host or host_overlaps(host, other[2]))
            and scopes_meet(scope, other[3])
        ]
        for vs, _, host, scope in group
    ]


def _meeting(group: list[Entry]) -> list[list[Entry]]:
    """For each entry of a group with one exact host, those of other VirtualServices whose
    export scope meets its, in group order: found through the namespaces that scopes name,
    not by comparing every pair (a host shared by many namespaces, each VirtualService
    exported only to its own, is common)."""
    everywhere = [position for position, entry in enumerate(group) if entry[3] is None]
    by_namespace: dict[str, list[int]] = defaultdict(list)
    for position, entry in enumerate(group):
        for namespace in entry[3] or ():
            by_namespace[namespace].append(position)
    seen = [position for position, entry in enumerate(group) if entry[3] is None or entry[3]]
    found = []
    for vs, _, _, scope in group:
        if scope is None:
            positions: Iterable[int] = seen  # an empty scope ("~" only) is seen nowhere
        elif not scope:
            positions = ()
        else:
            named = (p for namespace in scope for p in by_namespace[namespace])
            positions = sorted({*everywhere, *named})
        found.append([group[p] for p in positions if group[p][0] is not vs])
    return found


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
    located: dict[int, Location] = {}  # each host, located once for all findings listing it
    for group in [*exact.values(), wildcards]:
        if len(group) < 2:
            continue
        meeting = _overlapping(group) if group is wildcards else _meeting(group)
        for (vs, index, host, _), others in zip(group, meeting, strict=True):
            if not others:
                continue
            names = quoted_list((o[0].display for o in others), quote=False)
            message = (
                f"host {host!r} is also defined for the mesh by {names}; sidecars apply only "
                "one VirtualService per host, chosen by creation order; merge them into one "
                "VirtualService or separate them with exportTo"
            )
            where = []
            for other in others:
                if id(other) not in located:
                    located[id(other)] = related(
                        other[0], ("spec", "hosts", other[1]), "also defines it"
                    )
                where.append(located[id(other)])
            yield report(RULE, vs, ("spec", "hosts", index), message, where)
