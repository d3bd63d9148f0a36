"""A Service port whose `appProtocol` is not a protocol Istio knows.

`appProtocol` takes precedence over the port name, so an unknown value (`HTTP/1.1`, `web`,
`rest`) leaves Istio without a protocol for the port: it falls back to sniffing, and the HTTP
features configured for the Service may not apply. Use one of Istio's protocol names or a
Kubernetes standard value such as `kubernetes.io/h2c`.

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
    appProtocol: rest
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
  - name: web
    port: 9080
    appProtocol: http
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
    code="ML411",
    name="service-app-protocol",
    severity=Severity.WARNING,
    summary="A Service port appProtocol that is not a protocol Istio knows.",
    kinds=("Service",),
    refs=("KIA0602",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for service in mesh.of_type(K.SERVICE):
        if istio_managed(service, mesh):
            continue
        for path, port in service_ports(service):
            value = port.get("appProtocol")
            if not isinstance(value, str) or not value:
                continue
            if port_protocol(None, None, value) is not None:
                continue
            message = (
                f"appProtocol {value!r} on port {port.get('port')} of Service "
                f"{service.name!r} is not a protocol Istio knows, so it falls back to "
                "sniffing; use http, http2, grpc, tcp, tls, https, ... or kubernetes.io/h2c"
            )
            yield report(RULE, service, (*path, "appProtocol"), message)
