"""ServiceEntries visible in the same namespace give one host and port different protocols.

A port has one protocol in the proxy: one listener, HTTP or TCP or TLS. When one entry says
`HTTP` and another `TLS` for `api.example.com:443`, Istio keeps one of them and the traffic
that expects the other protocol breaks (TLS parsed as HTTP, or HTTP routing lost). Use one
protocol for a host and port.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: payments, namespace: shop}
spec:
  hosts: [api.payments.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: payments-http, namespace: shop}
spec:
  hosts: [api.payments.example.com]
  ports: [{number: 443, name: http, protocol: HTTP}]
  resolution: DNS
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: payments, namespace: shop}
spec:
  hosts: [api.payments.example.com]
  ports:
  - {number: 443, name: tls, protocol: TLS}
  - {number: 80, name: http, protocol: HTTP}
  resolution: DNS
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.rules.base import Rule, related, report
from meshlint.service_entries import shared_ports

RULE = Rule(
    code="ML424",
    name="service-entry-protocol-conflict",
    severity=Severity.ERROR,
    summary="Visible ServiceEntries give one host and port different protocols.",
    kinds=("ServiceEntry",),
    refs=("KIA1212",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for (host, number), ports in sorted(shared_ports(mesh).items()):
        if len({p.protocol for p in ports}) < 2:
            continue
        for port in ports:
            others = [o for o in ports if o.protocol != port.protocol]
            where = [
                related(o.entry, o.path, f"{o.entry.display} says {o.protocol or 'no protocol'}")
                for o in others
            ]
            shown = ", ".join(f"{o.entry.display} ({o.protocol or 'none'})" for o in others)
            message = (
                f"host {host!r} port {number} is {port.protocol or 'without protocol'} here "
                f"but has another protocol in {shown}; a port has one protocol in the proxy, "
                "so make them agree"
            )
            yield report(RULE, port.entry, (*port.path, "protocol"), message, where)
