"""A DestinationRule subset whose labels match none of the host's workloads.

A subset is the set of the Service's pods that carry its labels. When no pod template of the
Service carries them (`version: v3` after v3 was retired, `version: V1` vs `v1`), the subset's
Envoy cluster has no endpoints and every request routed to it fails with 503 (`UH`). Node
topology labels (`topology.kubernetes.io/region`, `zone`) are matched against the pod's
Node when the Node is in the analysed files; an empty value matches nothing.

Only a subset some VirtualService route (or mirror) sends traffic to is a warning: a subset no
route uses yet costs nothing at runtime (Istio's bookinfo sample defines `v2-mysql` long
before anything runs it), so it is an info and says nothing of 503s. When none of the
Service's workloads are in the analysed files, nothing is reported: the pods are deployed
from elsewhere and their labels are unknown.

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
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v3}
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

## Differences from Istio and Kiali

Node topology labels are checked against the pod's Node only when the Node is in the
files; otherwise they are assumed to match. Nothing is reported for a Service none of
whose workloads are in the files, unless `whole-cluster` says the files are everything
the cluster holds (as for Istio's analyzer, which sees the live cluster).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from meshlint.facts.destination_rules import routed_subsets
from meshlint.facts.flow import subset_workloads
from meshlint.facts.graph import Mesh
from meshlint.facts.hosts import host_candidates
from meshlint.facts.selectors import selector_text, service_selector, service_workloads
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource, string_map
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML118",
    name="subset-selects-no-pods",
    severity=Severity.WARNING,
    summary="A DestinationRule subset whose labels match none of the host's workloads.",
    kinds=("DestinationRule",),
    refs=("IST0173", "KIA0203"),
)


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
        if not service_selector(service):
            continue
        workloads = service_workloads(mesh, service)
        if not workloads and not mesh.settings.whole_cluster:
            continue  # deployed from elsewhere: their labels are unknown
        routed = None
        for index, subset in enumerate(subsets):
            labels = string_map(subset.get("labels")) if isinstance(subset, dict) else {}
            if not labels or subset_workloads(mesh, service, labels):
                continue
            if routed is None:
                routed = _routed_subsets(mesh, rule)
            name = subset.get("name")
            where = (
                f"subset {name!r} selects {selector_text(labels)}, but no workload of "
                f"{service.display} ({len(workloads)} in the files) carries these labels"
            )
            path = ("spec", "subsets", index, "labels")
            if name in routed:
                message = (
                    f"{where}, so the subset has no endpoints and requests routed to it get "
                    "503; fix the labels or deploy the version"
                )
                yield report(RULE, rule, path, message)
            else:
                message = (
                    f"{where}; no route sends traffic to it, so this costs nothing today, but "
                    "deploy the version before routing to it"
                )
                yield replace(report(RULE, rule, path, message), severity=Severity.INFO)


def _routed_subsets(mesh: Mesh, rule: Resource) -> set[str]:
    """Subset names that some route or mirror sends to with ``rule`` as its DestinationRule."""
    return routed_subsets(mesh).get(rule, set())
