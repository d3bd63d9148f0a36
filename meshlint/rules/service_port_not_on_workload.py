"""A Service port whose target port no selected workload declares.

A Service forwards to `targetPort` (or `port`) on its pods. When the workloads behind the
selector declare their container ports and none of them is that port (by number, or by name
for a named `targetPort`), the Service points at a port nothing listens on: requests fail with
connection refused, and Istio's inbound listener for it is never used. Workloads that declare
no container ports at all are not judged, since declaring them is optional in Kubernetes.

## Bad

```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews}}
  template:
    metadata:
      labels: {app: reviews}
    spec:
      containers: [{name: reviews, image: reviews:1, ports: [{containerPort: 9080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 80, targetPort: 8080}]
```

## Good

```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews}}
  template:
    metadata:
      labels: {app: reviews}
    spec:
      containers:
      - name: reviews
        image: reviews:1
        ports: [{name: web, containerPort: 9080}]
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 80, targetPort: web}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.injection import is_system_namespace
from meshlint.model import K
from meshlint.podspec import container_ports, service_ports, workloads_selected
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML413",
    name="service-port-not-on-workload",
    severity=Severity.WARNING,
    summary="A Service targetPort that no selected workload declares as a container port.",
    kinds=("Service", "Deployment", "StatefulSet", "DaemonSet", "Pod"),
    refs=("KIA0701",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for service in mesh.of_type(K.SERVICE):
        if is_system_namespace(service.namespace or "", mesh.settings):
            continue
        declared = [
            (w, ports)
            for w in workloads_selected(mesh, service)
            if (ports := container_ports(w.template))
        ]
        if not declared:
            continue
        values = [(p.get("containerPort"), p.get("name")) for _, ports in declared for p in ports]
        numbers = {n for n, _ in values if isinstance(n, (int, str))}  # skip wrong types
        names = {n for _, n in values if isinstance(n, str)}
        for path, port in service_ports(service):
            target = port.get("targetPort", port.get("port"))
            if not isinstance(target, (int, str)) or target == "":
                continue
            if target in numbers or target in names or isinstance(target, bool):
                continue
            shown = quoted_list(
                (w.resource.display for w, _ in declared), ordered=True, quote=False
            )
            key = "targetPort" if "targetPort" in port else "port"
            message = (
                f"Service {service.name!r} sends port {port.get('port')} to target port "
                f"{target!r}, which none of its workloads declares ({shown}); fix the "
                "targetPort or the containerPort"
            )
            where = [
                related(
                    w.resource,
                    (*w.path, "spec", "containers"),
                    f"containers of {w.resource.display}",
                )
                for w, _ in declared
            ]
            yield report(RULE, service, (*path, key), message, where)
