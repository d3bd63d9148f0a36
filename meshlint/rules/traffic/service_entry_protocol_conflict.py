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

from meshlint.facts.graph import Mesh
from meshlint.facts.service_entries import SharedPort, entry_scope, shared_ports
from meshlint.facts.traffic import scopes_meet
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML220",
    name="service-entry-protocol-conflict",
    severity=Severity.ERROR,
    summary="ServiceEntries that give one host and port different protocols.",
    kinds=("ServiceEntry",),
    refs=("IST0177", "KIA1212"),
)


def _first_conflict(
    mesh: Mesh, port: SharedPort, by_protocol: dict[str | None, list[tuple[int, SharedPort]]]
) -> SharedPort | None:
    """The first port (in declaration order) of another entry visible with ``port``'s that
    gives the same host and number another protocol: only ports of other protocols are
    looked at, each protocol's up to its first match."""
    scope = entry_scope(mesh, port.entry)
    first: tuple[int, SharedPort] | None = None
    for protocol, ports in by_protocol.items():
        if protocol == port.protocol:
            continue
        found = next(
            (
                (position, other)
                for position, other in ports
                if other.entry is not port.entry
                and scopes_meet(scope, entry_scope(mesh, other.entry))
            ),
            None,
        )
        if found is not None and (first is None or found[0] < first[0]):
            first = found
    return first[1] if first is not None else None


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for (host, number), ports in shared_ports(mesh).items():
        declared = [p for p in ports if p.protocol is not None]
        by_protocol: dict[str | None, list[tuple[int, SharedPort]]] = {}
        for position, port in enumerate(declared):
            by_protocol.setdefault(port.protocol, []).append((position, port))
        for port in declared:
            other = _first_conflict(mesh, port, by_protocol)
            if other is None:
                continue
            message = (
                f"{host}:{number} is {port.protocol} here but {other.protocol} in "
                f"{other.entry.display}; a port has one protocol, so one of them is ignored; "
                "make them agree or use different ports"
            )
            where = [related(other.entry, other.path, "declared here")]
            yield report(RULE, port.entry, (*port.path, "protocol"), message, where)
