"""A ServiceEntry with a TCP (or unnamed-protocol) port and no `addresses`.

Plain TCP carries no host name, so a sidecar can only tell TCP services apart by destination
IP and port. A ServiceEntry with a TCP port (or a port without `protocol`, which means TCP)
and no `addresses` makes Istio listen on `0.0.0.0:<port>` for it: every TCP connection to
that port, whatever the destination, is sent to this ServiceEntry, hijacking other services
that share the port (databases on 5432, SSH on 22...). Give the entry `addresses`, use an
HTTP/TLS protocol (routed by Host or SNI), or let Istio allocate addresses (DNS proxying with
`ISTIO_META_DNS_AUTO_ALLOCATE`, or the address allocation that fills `status.addresses`).

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy-db, namespace: shop}
spec:
  hosts: [db.legacy.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - {number: 5432, name: postgres, protocol: TCP}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy-db, namespace: shop}
spec:
  hosts: [db.legacy.example.com]
  addresses: [10.20.0.15]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - {number: 5432, name: postgres, protocol: TCP}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.traffic import proxy_metadata
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML219",
    name="service-entry-addresses-required",
    severity=Severity.WARNING,
    summary="A ServiceEntry with a TCP port and no addresses, capturing all traffic to that port.",
    kinds=("ServiceEntry",),
    refs=("IST0134",),
)

ROUTED_BY_NAME = frozenset({"HTTP", "HTTPS", "HTTP2", "GRPC", "GRPC-WEB", "TLS"})


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    if proxy_metadata(mesh).get("ISTIO_META_DNS_AUTO_ALLOCATE", "").lower() == "true":
        return
    for entry in mesh.of_type(K.SERVICE_ENTRY):
        status = entry.body.get("status")
        if entry.spec.get("addresses") or (isinstance(status, dict) and status.get("addresses")):
            continue
        ports = entry.spec.get("ports")
        for index, port in enumerate(ports if isinstance(ports, list) else ()):
            if not isinstance(port, dict):
                continue
            protocol = port.get("protocol")
            protocol = protocol.upper() if isinstance(protocol, str) else ""
            if protocol in ROUTED_BY_NAME:
                continue
            shown = protocol or "no protocol (TCP)"
            message = (
                f"port {port.get('number')} has {shown} and the ServiceEntry has no addresses, "
                "so it captures every TCP connection to that port; add addresses, use an "
                "HTTP/TLS protocol, or enable address auto-allocation"
            )
            yield report(RULE, entry, ("spec", "ports", index), message)
            break
