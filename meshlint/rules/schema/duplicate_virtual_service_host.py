"""A VirtualService lists the same host twice, or a host and a wildcard that covers it.

Istio's webhook refuses hosts that overlap within one VirtualService: `reviews.example.com`
twice, or `api.example.com` next to `*.example.com`, or `*.example.com` next to `*.com`
(`duplicate hosts in virtual service`). The names are compared without regard to case, as DNS
does (stricter than the webhook, which compares them exactly; the message says which case
applies). As Istio does, the check only runs when every host of the VirtualService is valid (bad
hosts are reported by `invalid-host`); `*.example.com` does not cover `example.com` itself,
and `*` on a Gateway-only VirtualService overlaps every other host.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
  namespace: shop
spec:
  hosts: ["*.example.com", api.example.com]
  gateways: [edge/public]
  http:
  - route:
    - destination: {host: api}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
  namespace: shop
spec:
  hosts: ["*.example.com", example.com]
  gateways: [edge/public]
  http:
  - route:
    - destination: {host: api}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.traffic import OverlapIndex, host_overlaps
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.istio.dnsnames import is_ip, wildcard_domain_problem
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML523",
    name="duplicate-virtual-service-host",
    severity=Severity.ERROR,
    summary="Two hosts of one VirtualService are the same host or overlap through a wildcard.",
    kinds=("VirtualService",),
    refs=("IST0106",),
)


def _valid(host: object, mesh_bound: bool) -> bool:
    if not isinstance(host, str) or (host == "*" and mesh_bound):
        return False  # '*' on the mesh is mesh-wildcard-host's finding
    return wildcard_domain_problem(host) is None or is_ip(host)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        hosts = vs.spec.get("hosts")
        if not isinstance(hosts, list) or len(hosts) < 2:
            continue
        gateways = vs.spec.get("gateways")
        mesh_bound = not gateways or (isinstance(gateways, list) and "mesh" in gateways)
        if not all(_valid(h, mesh_bound) for h in hosts):
            continue  # Istio only compares hosts when all are valid
        names = [h.lower() for h in hosts]
        earlier = OverlapIndex(names[:1])  # each host is compared with the first it overlaps
        for j in range(1, len(names)):
            i = earlier.first_overlap(names[j])
            earlier.add(names[j])
            if i is not None:
                how = "is the same host as" if names[i] == names[j] else "overlaps"
                if host_overlaps(hosts[i], hosts[j], fold_case=False):
                    why = "Istio rejects duplicate hosts in a VirtualService"
                else:
                    why = (
                        "DNS names ignore case, so both name one host (Istio's webhook compares "
                        "them exactly and lets this through, but the routes are ambiguous)"
                    )
                yield report(
                    RULE,
                    vs,
                    ("spec", "hosts", j),
                    f"host {hosts[j]!r} {how} {hosts[i]!r} (hosts[{i}]); {why}. Remove one, "
                    "or keep only the wildcard",
                    [related(vs, ("spec", "hosts", i), f"host {hosts[i]!r}")],
                )
