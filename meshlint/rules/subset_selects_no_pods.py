"""A DestinationRule subset whose labels match none of the host's workloads.

A subset is the set of the Service's pods that carry its labels. When no pod template of the
Service carries them (`version: v3` after v3 was retired, `version: V1` vs `v1`), the subset's
Envoy cluster has no endpoints and every request routed to it fails with 503 (`UH`). Node
topology labels (`topology.kubernetes.io/region`, `zone`) are matched against the pod's
Node when the Node is in the analysed files; an empty value matches nothing. When none of the
Service's workloads are in the analysed files the message says so, since they may be
deployed from elsewhere.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets:
  - name: v3
    labels: {version: v3}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec:
      containers: [{name: reviews, image: reviews:1}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec:
      containers: [{name: reviews, image: reviews:1}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh, Workload, selects
from meshlint.hosts import host_candidates
from meshlint.model import K, Kind, string_map
from meshlint.podspec import workloads_selected
from meshlint.policies import selector_text
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML118",
    name="subset-selects-no-pods",
    severity=Severity.WARNING,
    summary="A DestinationRule subset whose labels match none of the host's workloads.",
    kinds=("DestinationRule", "Service"),
    refs=("IST0173", "KIA0203"),
)

NODE = Kind("", "Node")
TOPOLOGY_KEYS = frozenset(
    {
        "topology.kubernetes.io/region",
        "topology.kubernetes.io/zone",
        "topology.istio.io/subzone",
        "kubernetes.io/hostname",
    }
)


def _matches(mesh: Mesh, labels: dict[str, str], workload: Workload) -> bool:
    own = {k: v for k, v in labels.items() if k not in TOPOLOGY_KEYS}
    if not selects(own, workload.labels):
        return False
    topology = {k: v for k, v in labels.items() if k in TOPOLOGY_KEYS}
    if not topology:
        return True
    if any(not v for v in topology.values()):
        return False
    spec = workload.template.get("spec")
    node_name = spec.get("nodeName") if isinstance(spec, dict) else None
    node = mesh.get(NODE, None, node_name) if isinstance(node_name, str) else None
    return node is None or selects(topology, node.labels)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    domain = mesh.settings.cluster_domain
    for rule in mesh.of_type(K.DESTINATION_RULE):
        host, subsets = rule.spec.get("host"), rule.spec.get("subsets")
        if not isinstance(host, str) or not isinstance(subsets, list):
            continue
        services = [
            d.resource
            for d in mesh.hosts.lookup(host_candidates(host, rule.namespace, domain))
            if d.resource.type == K.SERVICE and not d.host.startswith("*")
        ]
        if not services:
            continue
        service = services[0]
        if not string_map(service.spec.get("selector")):
            continue
        workloads = workloads_selected(mesh, service)
        for index, subset in enumerate(subsets):
            labels = string_map(subset.get("labels")) if isinstance(subset, dict) else {}
            if not labels or any(_matches(mesh, labels, w) for w in workloads):
                continue
            if workloads:
                where = f"none of the {len(workloads)} workloads of {service.display}"
            else:
                where = (
                    f"no workload of {service.display} in the analysed files (they may be "
                    "deployed from elsewhere)"
                )
            message = (
                f"subset {subset.get('name')!r} selects {selector_text(labels)}, but {where} "
                "carries these labels, so the subset has no endpoints and requests routed to "
                "it get 503; fix the labels or deploy the version"
            )
            yield report(RULE, rule, ("spec", "subsets", index, "labels"), message)
