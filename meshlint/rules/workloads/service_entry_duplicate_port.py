"""Two ServiceEntries visible in the same namespace declare the same host and port.

Istio merges ServiceEntries per host, and for a host and port declared twice it keeps one
definition by creation time; the other entry's resolution, endpoints and location are silently
dropped, and which one wins can change when a resource is re-created. Declare each host and
port in one ServiceEntry (or hide one with `exportTo`).

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
metadata: {name: payments-legacy, namespace: shop}
spec:
  hosts: [api.payments.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
```

## Good

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
metadata: {name: payments-legacy, namespace: shop}
spec:
  hosts: [legacy.payments.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: NONE
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.service_entries import shared_ports
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML423",
    name="service-entry-duplicate-port",
    severity=Severity.WARNING,
    summary="Two visible ServiceEntries declare the same host and port.",
    kinds=("ServiceEntry",),
    refs=("KIA1211",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for (host, number), ports in sorted(shared_ports(mesh).items()):
        if len({p.protocol for p in ports}) > 1:
            continue  # conflicting protocols: service-entry-protocol-conflict
        # Each port is located once for all the findings that list it.
        located = {
            id(o): related(o.entry, o.path, f"also declared by {o.entry.display}") for o in ports
        }
        for port in ports:
            others = [o for o in ports if o.entry is not port.entry]
            where = [located[id(o)] for o in others]
            names = quoted_list((o.entry.display for o in others), ordered=True, quote=False)
            message = (
                f"host {host!r} port {number} is also declared by {names}; Istio keeps only one "
                "definition, so merge them or restrict one with exportTo"
            )
            yield report(RULE, port.entry, port.path, message, where)
