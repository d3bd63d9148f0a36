"""Two Services select the same workload and give one port number different protocols.

A sidecar builds one inbound listener per port. When Service `a` calls port 9080 `tcp` and
Service `b` calls it `http`, only one protocol wins, and the traffic of the other Service is
handled wrongly (HTTP routing, retries and telemetry are lost, or TCP traffic is parsed as
HTTP). Give the port the same protocol in every Service that selects the workload.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: details, namespace: shop}
spec:
  selector: {matchLabels: {app: details}}
  template:
    metadata:
      labels: {app: details}
    spec:
      containers: [{name: details, image: details:1, ports: [{containerPort: 9080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: details-tcp, namespace: shop}
spec:
  selector: {app: details}
  ports: [{name: tcp, port: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: details, namespace: shop}
spec:
  selector: {app: details}
  ports: [{name: http, port: 9080}]
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: details, namespace: shop}
spec:
  selector: {matchLabels: {app: details}}
  template:
    metadata:
      labels: {app: details}
    spec:
      containers: [{name: details, image: details:1, ports: [{containerPort: 9080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: details-internal, namespace: shop}
spec:
  selector: {app: details}
  ports: [{name: http-internal, port: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: details, namespace: shop}
spec:
  selector: {app: details}
  ports: [{name: http, port: 9080}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import WORKLOAD_KINDS, Mesh
from meshlint.facts.podspec import port_protocol, template_labels_path, workload_port_groups
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML414",
    name="workload-port-protocol-conflict",
    severity=Severity.WARNING,
    summary="Services selecting one workload give the same port different protocols.",
    kinds=WORKLOAD_KINDS,
    refs=("IST0116",),
)


def _port_protocol(port: dict) -> tuple[int, str | None] | None:
    number = port.get("port")
    if not isinstance(number, int) or isinstance(number, bool):  # `port: true` is not port 1
        return None
    return number, port_protocol(port.get("name"), port.get("protocol"), port.get("appProtocol"))


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for workload, number, users in workload_port_groups(mesh, _port_protocol):
        resource = workload.resource
        shown = quoted_list(
            (f"{s.name} as {proto or 'unnamed'}" for s, _, proto in users),
            ordered=True,
            quote=False,
        )
        message = (
            f"port {number} of {resource.display} is given different protocols by the "
            f"Services that select it ({shown}); only one can apply, so give the port "
            "the same protocol in each Service"
        )
        where = [related(s, p, f"port {number} of Service {s.name}") for s, p, _ in users]
        yield report(RULE, resource, template_labels_path(workload), message, where)
