"""Two ServiceEntries give the same host and port different protocols.

Istio merges ServiceEntries for one host into one service, and a port can have only one
protocol. With `example.com:8080` declared HTTP in one entry and HTTPS in another, which one
wins depends on creation order: traffic is either parsed as HTTP or passed through as TLS,
and the other half of the configuration breaks. Entries whose `exportTo` never meet in one
namespace do not conflict.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api-http, namespace: shop}
spec:
  hosts: [api.example.com]
  resolution: DNS
  ports: [{number: 8080, name: http, protocol: HTTP}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api-tls, namespace: shop}
spec:
  hosts: [api.example.com]
  resolution: DNS
  ports: [{number: 8080, name: tls, protocol: TLS}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  resolution: DNS
  ports:
  - {number: 8080, name: http, protocol: HTTP}
  - {number: 8443, name: tls, protocol: TLS}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.rules.base import Rule, related, report
from meshlint.service_entries import shared_ports, visible_together

RULE = Rule(
    code="ML220",
    name="service-entry-protocol-conflict",
    severity=Severity.ERROR,
    summary="ServiceEntries that give one host and port different protocols.",
    kinds=("ServiceEntry",),
    refs=("IST0177", "KIA1212"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for (host, number), ports in shared_ports(mesh).items():
        declared = [p for p in ports if p.protocol is not None]
        for port in declared:
            others = [
                o
                for o in declared
                if o.entry is not port.entry
                and o.protocol != port.protocol
                and visible_together(port.entry, o.entry)
            ]
            if not others:
                continue
            other = others[0]
            message = (
                f"{host}:{number} is {port.protocol} here but {other.protocol} in "
                f"{other.entry.display}; a port has one protocol, so one of them is ignored; "
                "make them agree or use different ports"
            )
            where = [related(other.entry, other.path, "declared here")]
            yield report(RULE, port.entry, (*port.path, "protocol"), message, where)
