"""A route destination omits `port` although its host exposes several ports.

When a Service or ServiceEntry has more than one port, Istio cannot tell which one a
destination means unless `destination.port.number` says so; `istioctl analyze` rejects the
route and the proxy's behaviour is undefined (traffic may go to the wrong port). Name the
port explicitly. A host with a single port needs no port.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports:
  - {name: http, port: 80}
  - {name: grpc, port: 9090}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: shop}
spec:
  hosts: [api]
  http:
  - route:
    - destination: {host: api}
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports:
  - {name: http, port: 80}
  - {name: grpc, port: 9090}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: shop}
spec:
  hosts: [api]
  http:
  - route:
    - destination:
        host: api
        port: {number: 80}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.traffic import host_ports, visible_definition
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML210",
    name="destination-port-required",
    severity=Severity.ERROR,
    summary="A destination without `port` whose host exposes more than one port.",
    kinds=("VirtualService",),
    refs=("IST0112",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for destination in mesh.destinations:
        if destination.port is not None:
            continue
        definition = visible_definition(mesh, destination)
        if definition is None:
            continue
        ports = sorted(set(host_ports(definition)))
        if len(ports) < 2:
            continue
        owner = definition.resource
        listed = quoted_list(ports, quote=False)
        message = (
            f"destination {destination.host!r} has no port, but {owner.display} exposes "
            f"several ({listed}); add `port: {{number: N}}` naming the one this route means"
        )
        where = [related(owner, ("spec", "ports"), "ports defined here")]
        yield report(RULE, destination.virtual_service, (*destination.path, "host"), message, where)
