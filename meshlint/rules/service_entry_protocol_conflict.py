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

from collections import defaultdict
from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import K, Resource
from meshlint.rules.base import Rule, related, report
from meshlint.traffic import export_scope, scopes_meet

RULE = Rule(
    code="ML220",
    name="service-entry-protocol-conflict",
    severity=Severity.ERROR,
    summary="ServiceEntries that give one host and port different protocols.",
    kinds=("ServiceEntry",),
    refs=("IST0177", "KIA1212"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    ports: dict[tuple[str, int], list[tuple[Resource, int, str]]] = defaultdict(list)
    for entry in mesh.of_type(K.SERVICE_ENTRY):
        hosts, declared = entry.spec.get("hosts"), entry.spec.get("ports")
        if not isinstance(hosts, list) or not isinstance(declared, list):
            continue
        for index, port in enumerate(declared):
            number = port.get("number") if isinstance(port, dict) else None
            protocol = port.get("protocol") if isinstance(port, dict) else None
            if not isinstance(number, int) or not isinstance(protocol, str):
                continue
            for host in hosts:
                if isinstance(host, str) and host:
                    key = (mesh.cluster_fqdn(host, entry.namespace).lower(), number)
                    ports[key].append((entry, index, protocol.upper()))
    for (host, number), users in ports.items():
        for entry, index, protocol in users:
            scope = export_scope(entry)
            others = [
                (o, i, p)
                for o, i, p in users
                if o is not entry and p != protocol and scopes_meet(scope, export_scope(o))
            ]
            if not others:
                continue
            other, other_index, other_protocol = others[0]
            message = (
                f"{host}:{number} is {protocol} here but {other_protocol} in {other.display}; "
                "a port has one protocol, so one of them is ignored; make them agree or use "
                "different ports"
            )
            where = [related(other, ("spec", "ports", other_index), "declared here")]
            yield report(RULE, entry, ("spec", "ports", index, "protocol"), message, where)
