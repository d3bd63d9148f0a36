"""A VirtualService that applies to the mesh has the host `*`.

Inside the mesh a VirtualService is matched by the host a client calls; `*` would capture the
traffic to every service, so Istio's webhook refuses it (`wildcard host * is not allowed for
virtual services bound to the mesh gateway`). A VirtualService applies to the mesh when
`gateways` is unset or lists `mesh`. `*` is fine for a VirtualService bound only to Gateways,
and `*.example.com` is fine everywhere.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: catch-all
  namespace: shop
spec:
  hosts: ["*"]
  http:
  - route:
    - destination: {host: web}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: catch-all
  namespace: shop
spec:
  hosts: ["*"]
  gateways: [edge/public]
  http:
  - route:
    - destination: {host: web}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML524",
    name="mesh-wildcard-host",
    severity=Severity.ERROR,
    summary="A VirtualService that applies to the mesh has the host '*'.",
    kinds=("VirtualService",),
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        hosts = vs.spec.get("hosts")
        if not isinstance(hosts, list) or "*" not in hosts:
            continue
        gateways = vs.spec.get("gateways")
        if isinstance(gateways, list) and gateways and "mesh" not in gateways:
            continue
        how = (
            "lists 'mesh' in gateways" if gateways else "has no gateways, so it applies to the mesh"
        )
        yield report(
            RULE,
            vs,
            ("spec", "hosts", hosts.index("*")),
            f"host '*' is not allowed here: the VirtualService {how}, and Istio rejects '*' for "
            "mesh traffic. List the service hosts, or bind it only to Gateways",
        )
