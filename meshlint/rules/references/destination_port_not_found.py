"""A route destination names a port that its Service or ServiceEntry does not expose.

`destination.port.number` must be one of the ports of the host's Service (`spec.ports[].port`)
or ServiceEntry (`spec.ports[].number`). Otherwise Istio has no cluster for that host and
port, and the route answers 503 (`NR`/`UH`). It typically happens when a Service's port is
renumbered (8080 to 80) and the VirtualService keeps the old one, or when the container port
is written instead of the Service port.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        port: {number: 8080}
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        port: {number: 9080}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.traffic import host_ports, visible_definition
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, quoted_list, related, report, suggest

RULE = Rule(
    code="ML110",
    name="destination-port-not-found",
    severity=Severity.ERROR,
    summary="A destination `port` that the host's Service or ServiceEntry does not expose.",
    kinds=("VirtualService",),
    refs=("IST0101",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for destination in mesh.destinations:
        if destination.port is None:
            continue
        definition = visible_definition(mesh, destination)
        if definition is None:
            continue
        ports = host_ports(definition)
        if not ports or destination.port in ports:
            continue
        owner = definition.resource
        listed = quoted_list(ports, quote=False)
        hint = suggest(str(destination.port), [str(p) for p in ports])
        message = (
            f"port {destination.port} of host {destination.host!r} is not exposed by "
            f"{owner.display} (ports: {listed}){hint}; use one of its ports (the Service "
            "port, not the container port)"
        )
        path = (*destination.path, "port", "number")
        where = [related(owner, ("spec", "ports"), "ports defined here")]
        yield report(RULE, destination.virtual_service, path, message, where)
