"""Two Services select the same workload and send different Service ports to one target port.

When Service `a` maps port 9080 and Service `b` maps port 9090 to the same container port
9080, the sidecar's inbound configuration for that container port is built from one of them
only; requests through the other Service are handled with the wrong settings or rejected.
Use the same Service port for a target port across all Services that select the workload.

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
metadata: {name: ratings, namespace: shop}
spec:
  selector: {matchLabels: {app: ratings}}
  template:
    metadata:
      labels: {app: ratings}
    spec:
      containers: [{name: ratings, image: ratings:1, ports: [{containerPort: 9080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: shop}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080, targetPort: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings-alt, namespace: shop}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9090, targetPort: 9080}]
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
metadata: {name: ratings, namespace: shop}
spec:
  selector: {matchLabels: {app: ratings}}
  template:
    metadata:
      labels: {app: ratings}
    spec:
      containers: [{name: ratings, image: ratings:1, ports: [{containerPort: 9080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: shop}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080, targetPort: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: ratings-alt, namespace: shop}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080, targetPort: 9080}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import WORKLOAD_KINDS, Mesh
from meshlint.facts.podspec import template_labels_path, workload_port_groups
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML415",
    name="workload-target-port-conflict",
    severity=Severity.WARNING,
    summary="Services selecting one workload map different ports to the same target port.",
    kinds=WORKLOAD_KINDS,
    refs=("IST0137",),
)


def _target_and_port(port: dict) -> tuple[int, int] | None:
    target, number = port.get("targetPort", port.get("port")), port.get("port")
    if isinstance(target, int) and not isinstance(target, bool) and isinstance(number, int):
        return target, number
    return None  # named target ports resolve per pod; not compared


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for workload, target, members in workload_port_groups(mesh, _target_and_port):
        resource = workload.resource
        users = sorted(members, key=lambda member: member[2])  # by Service port, stable
        shown = quoted_list((f"{s.name}:{n}" for s, _, n in users), ordered=True, quote=False)
        message = (
            f"target port {target} of {resource.display} is reached through different "
            f"Service ports ({shown}); the sidecar configures it from one of them only, "
            "so use the same Service port everywhere"
        )
        where = [related(s, p, f"port {n} of Service {s.name}") for s, p, n in users]
        yield report(RULE, resource, template_labels_path(workload), message, where)
