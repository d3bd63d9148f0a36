"""A Gateway server listens on a port that the gateway's Service does not expose.

The gateway proxy opens a listener for every server port, but clients reach the proxy
through its Kubernetes Service (a LoadBalancer, usually). A server on port 8443 behind a
Service that only exposes 80 and 443 is unreachable from outside. Add the port to the
gateway Service, or use one it already exposes. The check runs only when both the gateway
workload and a Service selecting it are in the analysed files.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: edge}
spec:
  selector: {app: edge-gateway}
  servers:
  - port: {number: 8443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-cert}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge-gateway, namespace: edge}
spec:
  selector: {matchLabels: {app: edge-gateway}}
  template:
    metadata: {labels: {app: edge-gateway}}
    spec:
      containers: [{name: istio-proxy, image: auto}]
---
apiVersion: v1
kind: Service
metadata: {name: edge-gateway, namespace: edge}
spec:
  type: LoadBalancer
  selector: {app: edge-gateway}
  ports:
  - {name: http, port: 80}
  - {name: https, port: 443}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: edge}
spec:
  selector: {app: edge-gateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-cert}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge-gateway, namespace: edge}
spec:
  selector: {matchLabels: {app: edge-gateway}}
  template:
    metadata: {labels: {app: edge-gateway}}
    spec:
      containers: [{name: istio-proxy, image: auto}]
---
apiVersion: v1
kind: Service
metadata: {name: edge-gateway, namespace: edge}
spec:
  type: LoadBalancer
  selector: {app: edge-gateway}
  ports:
  - {name: http, port: 80}
  - {name: https, port: 443}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.podspec import services_selecting
from meshlint.facts.selectors import gateway_selector, workloads_selected
from meshlint.facts.traffic import gateway_servers
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML114",
    name="gateway-port-not-exposed",
    severity=Severity.WARNING,
    summary="A Gateway server port that the gateway workload's Service does not expose.",
    kinds=("Gateway",),
    refs=("IST0162",),
)


def _service_ports(service: Resource) -> set[int]:
    ports = service.spec.get("ports")
    numbers: set[int] = set()
    for port in ports if isinstance(ports, list) else ():
        if not isinstance(port, dict) or port.get("protocol", "TCP") != "TCP":
            continue
        for key in ("port", "targetPort"):
            value = port.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                numbers.add(value)
    return numbers


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    order = {id(service): index for index, service in enumerate(mesh.of_type(K.SERVICE))}
    for gateway in mesh.of_type(K.GATEWAY):
        selector = gateway_selector(gateway)
        if not selector:
            continue
        workloads = workloads_selected(mesh, selector, None)
        selecting = {id(s): s for w in workloads for s in services_selecting(mesh, w)}
        services = sorted(selecting.values(), key=lambda s: order[id(s)])
        if not services:
            continue
        exposed = set().union(*(_service_ports(s) for s in services))
        names = quoted_list((s.display for s in services), ordered=True, quote=False)
        for server in gateway_servers(gateway):
            if server.port is None or server.port in exposed:
                continue
            listed = quoted_list(exposed, quote=False) or "none"
            message = (
                f"server port {server.port} is not exposed by the gateway's Service ({names}; "
                f"ports: {listed}), so clients cannot reach it; add the port to the Service "
                "or use one it exposes"
            )
            path = server.path("port", "number")
            where = [related(s, ("spec", "ports"), "gateway Service ports") for s in services]
            yield report(RULE, gateway, path, message, where)
