"""A Gateway's selector matches no gateway workload.

A Gateway is configuration for the proxies its `selector` picks (in any namespace). When no
workload carries those labels, the Gateway's servers are never programmed anywhere and its
hosts do not answer. Usual causes: a typo in the label (`ingressgateway` vs
`ingress-gateway`), or a gateway installed with custom labels. Gateway deployments often come
from Istio's charts rather than from the analysed files: Istio's standard
`istio: ingressgateway` and `istio: egressgateway` gateways in `istio-system` are assumed to
exist, and the `known-workloads` setting declares others.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: shop}
spec:
  selector: {istio: ingress-gateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop.example.com"]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop.example.com"]
```

## Differences from Istio and Kiali

Workloads are the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs
and CronJobs plus bare Pods; Istio's analyzers look at live Pods only, which a manifests tree
does not hold. Istio's standard `istio=ingressgateway` and `istio=egressgateway` pods in
`istio-system` always exist, and `--known-workload` declares more.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import (
    gateway_selector,
    known_workloads_selected,
    selector_text,
    workloads_selected,
)
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML113",
    name="gateway-selector-no-workload",
    severity=Severity.ERROR,
    summary="A Gateway whose selector matches no workload.",
    kinds=("Gateway",),
    refs=("IST0101", "KIA0302"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for gateway in mesh.of_type(K.GATEWAY):
        selector = gateway_selector(gateway)
        if not selector:
            continue
        found = workloads_selected(mesh, selector, None)
        known = known_workloads_selected(mesh, selector, None)
        if found or known:
            continue
        message = (
            f"selector {selector_text(selector)} matches no workload in the analysed files or in "
            "`known-workloads`, so no proxy serves this Gateway; fix the labels, or "
            "declare the gateway workload in `known-workloads` if it is deployed "
            "from outside these files"
        )
        yield report(RULE, gateway, ("spec", "selector"), message)
