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
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.podspec import port_protocol, service_ports
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report
from meshlint.rules.workloads._services import istio_managed

RULE = Rule(
    code="ML410",
    name="service-port-name",
    severity=Severity.WARNING,
    summary="A Service port whose name does not follow `<protocol>[-<suffix>]`.",
    kinds=("Service",),
    refs=("IST0118", "KIA0601"),
)


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
            yield report(RULE, service, where, message)
