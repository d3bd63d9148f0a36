"""A Service port whose name does not say its protocol (`<protocol>[-<suffix>]`).

Istio picks the protocol of a port from `appProtocol` or from the port name's prefix
(`http`, `http2`, `grpc`, `tcp`, `tls`, `mongo`, ...). With neither, it falls back to
protocol sniffing: HTTP routes, retries and metrics may not apply, and server-first protocols
(MySQL, SMTP, ...) can stall for the sniffing timeout. `http2foo` or `foo-http` do not count:
the protocol must be the prefix, followed by a dash. Services in system namespaces and Istio's
own control-plane Services are skipped.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
spec:
  selector: {app: reviews}
  ports:
  - name: web
    port: 9080
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
spec:
  selector: {app: reviews}
  ports:
  - name: http-web
    port: 9080
```

## Fix

Where the port number says the protocol (80 and 8080 HTTP, 443 HTTPS, 3306 MySQL, 6379
Redis, 27017 MongoDB, 50051 gRPC), the name gets it as a prefix (`web` becomes `http-web`)
and an unnamed port is named after it, when no other port of the Service has that name.
Unsafe: the protocol Istio applies changes, and anything that refers to the port by its name
(a ServiceMonitor, an Ingress) must follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.podspec import port_protocol, service_ports
from meshlint.findings import Finding, Fix, FixSafety, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Edit, Rule, fix_for, report
from meshlint.rules.workloads._services import istio_managed

RULE = Rule(
    code="ML410",
    name="service-port-name",
    severity=Severity.WARNING,
    summary="A Service port whose name does not follow `<protocol>[-<suffix>]`.",
    kinds=("Service",),
    refs=("IST0118", "KIA0601"),
    fix=FixSafety.UNSAFE,
)

# Ports whose number says the protocol; the fix names them after it.
WELL_KNOWN_PORTS = {
    80: "http",
    8080: "http",
    443: "https",
    3306: "mysql",
    6379: "redis",
    27017: "mongo",
    50051: "grpc",
}


def fix(service: Resource, path: tuple[object, ...], port: dict) -> Fix | None:
    """The port named after the protocol its well-known number says."""
    protocol = WELL_KNOWN_PORTS.get(port.get("port"))  # type: ignore[arg-type]
    if protocol is None:
        return None
    name = port.get("name")
    new = f"{protocol}-{name}" if isinstance(name, str) and name else protocol
    taken = {p.get("name") for p in service.spec.get("ports") or () if isinstance(p, dict)}
    if new in taken or len(new) > 63 or not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", new):
        return None
    if isinstance(name, str) and name:
        edit = Edit("set", (*path, "name"), new)
    elif "name" in port:
        return None
    else:
        edit = Edit("insert", path, new, "name")
    return fix_for(service, f"name the port {new}", edit, safe=False)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for service in mesh.of_type(K.SERVICE):
        if istio_managed(service, mesh) or service.spec.get("type") == "ExternalName":
            continue
        for path, port in service_ports(service):
            if port.get("appProtocol") or port_protocol(None, port.get("protocol")):
                continue  # appProtocol has its own rule; UDP and SCTP need no name
            name = port.get("name")
            if port_protocol(name) is not None:
                continue
            number = port.get("port")
            if isinstance(name, str) and name:
                what, where = f"port {name!r} ({number})", (*path, "name")
            else:
                what, where = f"unnamed port {number}", path
            message = (
                f"{what} of Service {service.name!r} does not name its protocol, so Istio "
                "guesses it by sniffing; name it <protocol>[-<suffix>] (http-web, grpc, "
                "tcp-db, ...) or set appProtocol"
            )
            yield report(RULE, service, where, message, fix=fix(service, path, port))
