"""A port of an `ExternalName` Service that is unnamed, named `tcp`, or names no protocol.

Istio turns an ExternalName Service into a DNS alias for the external host. For TCP (or an
unknown protocol) it cannot tell two external hosts on the same port apart, so traffic to the
port can go to the wrong destination or be dropped. Name the port after the protocol the
external service speaks (`https`, `tls`, `http`, `mongo`, ...).

## Bad

```yaml
apiVersion: v1
kind: Service
metadata:
  name: payments
  namespace: shop
spec:
  type: ExternalName
  externalName: api.payments.example.com
  ports:
  - name: api
    port: 443
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata:
  name: payments
  namespace: shop
spec:
  type: ExternalName
  externalName: api.payments.example.com
  ports:
  - name: https
    port: 443
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
    code="ML412",
    name="external-name-port-name",
    severity=Severity.WARNING,
    summary="An ExternalName Service port without a non-TCP protocol in its name.",
    kinds=("Service",),
    refs=("IST0150",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for service in mesh.of_type(K.SERVICE):
        if service.spec.get("type") != "ExternalName" or istio_managed(service, mesh):
            continue
        for path, port in service_ports(service):
            name = port.get("name")
            protocol = port_protocol(name, port.get("protocol"), port.get("appProtocol"))
            if protocol not in (None, "tcp"):
                continue
            shown = f"port {name!r}" if isinstance(name, str) and name else "an unnamed port"
            where = (*path, "name") if isinstance(name, str) and name else path
            message = (
                f"ExternalName Service {service.name!r} has {shown} ({port.get('port')}) "
                "that Istio treats as plain TCP, which it cannot route to an external name "
                "reliably; name it after the real protocol (https, tls, http, ...)"
            )
            yield report(RULE, service, where, message)
