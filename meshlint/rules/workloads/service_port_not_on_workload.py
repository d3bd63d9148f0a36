"""A Service port whose named target port no selected workload declares.

A `targetPort` given as a name is looked up among the named container ports of each pod
(Kubernetes `FindPort`, pkg/api/v1/pod/util.go: "If the targetPort is a string, look that
string up in all named ports in all containers in the target pod. If no match is found,
fail"); a pod that declares no port of that name is left out of the Service's endpoints for
that port, so when no selected workload declares it, the port has no endpoints at all and
every request to it fails (Istio's inbound listener for it is never used either).

A `targetPort` given as a number is not judged: `containerPort` is optional in Kubernetes
and a container listens whether or not it declares the port, so an undeclared number is no
evidence that nothing listens there (a gateway deployment, injected with the `gateway`
template, listens on the ports its Gateways configure and declares none of them). Nor is a
Service judged whose workloads are not in the files. The injected `istio-proxy` container's
`http-envoy-prom` port counts as declared.

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
  ports: [{name: http, port: 80, targetPort: web}]
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

## Differences from Istio and Kiali

Only a *named* `targetPort` is judged, which Kubernetes resolves from the pods' container
ports (`FindPort`). A numeric `targetPort` is never judged: `containerPort` is optional and
a container listens whether or not it declares the port (a gateway deployment on Istio's
`gateway` injection template listens on its Gateways' ports), so Kiali's numeric check
(KIA0701) is a common false positive.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import is_system_namespace
from meshlint.facts.podspec import containers, service_ports
from meshlint.facts.selectors import service_workloads
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML413",
    name="service-port-not-on-workload",
    severity=Severity.WARNING,
    summary="A Service's named targetPort that no selected workload declares as a container port.",
    kinds=("Service",),
    refs=("KIA0701",),
)

# Port names the sidecar injector adds to the pod (the istio-proxy container of the
# `sidecar` and `gateway` templates).
_INJECTED_NAMES = frozenset({"http-envoy-prom"})


def _port_names(template: dict) -> set[str]:
    """Named ports of every container, init containers too (restartable init containers,
    Kubernetes' sidecars, are looked up by newer FindPort): the lenient reading."""
    names = set()
    for _, container in containers(template):
        ports = container.get("ports")
        for port in ports if isinstance(ports, list) else ():
            if isinstance(port, dict) and isinstance(port.get("name"), str):
                names.add(port["name"])
    return names


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for service in mesh.of_type(K.SERVICE):
        if is_system_namespace(service.namespace or "", mesh.settings):
            continue
        workloads = service_workloads(mesh, service)
        if not workloads:
            continue
        names = set(_INJECTED_NAMES)
        for workload in workloads:
            names |= _port_names(workload.template)
        for path, port in service_ports(service):
            target = port.get("targetPort")
            if not isinstance(target, str) or not target or target.isdigit() or target in names:
                continue
            shown = quoted_list((w.resource.display for w in workloads), ordered=True, quote=False)
            message = (
                f"Service {service.name!r} sends port {port.get('port')} to the named target "
                f"port {target!r}, which no container of its workloads declares ({shown}); "
                "Kubernetes resolves a named targetPort only from the pods' container ports, "
                "so this port has no endpoints. Name the containerPort, or use its number"
            )
            where = [
                related(
                    w.resource,
                    (*w.path, "spec", "containers"),
                    f"containers of {w.resource.display}",
                )
                for w in workloads
            ]
            yield report(RULE, service, (*path, "targetPort"), message, where)
