"""Two DestinationRules configure the same host (or the same subset of it) for the same
namespaces.

Istio keeps one DestinationRule per host and namespace view: it merges only subsets with
distinct names, and for the rest the oldest rule wins. A second rule for `reviews` with its
own connection pool, or a subset `v1` defined twice with different labels, is silently
ignored, and which one applies changes when the resources are recreated. Keep one
DestinationRule per host, or separate them with `exportTo` or `workloadSelector`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-tls, namespace: shop}
spec:
  host: reviews.shop.svc.cluster.local
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}}
    tls: {mode: ISTIO_MUTUAL}
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.traffic import export_scope, scopes_meet
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource, subset_names
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML221",
    name="duplicate-destination-rule",
    severity=Severity.WARNING,
    summary="Several DestinationRules for the same host or subset, visible in one namespace.",
    kinds=("DestinationRule",),
    refs=("KIA0201",),
)


def _clash(a: Resource, b: Resource) -> str | None:
    ours, theirs = set(subset_names(a)), set(subset_names(b))
    common = ours & theirs
    if common:
        return f"subset {sorted(common)[0]!r}"
    if not ours and not theirs:
        return "the whole host"
    return None


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    by_host: dict[str, list[Resource]] = defaultdict(list)
    for rule in mesh.of_type(K.DESTINATION_RULE):
        host = rule.spec.get("host")
        if isinstance(host, str) and host and "workloadSelector" not in rule.spec:
            by_host[mesh.cluster_fqdn(host, rule.namespace).lower()].append(rule)
    for host, rules in by_host.items():
        # Only rules of one namespace compete: each is compared with its own namespace's.
        by_namespace: dict[str | None, list[Resource]] = defaultdict(list)
        for rule in rules:
            by_namespace[rule.namespace].append(rule)
        for rule in rules:
            for other in by_namespace[rule.namespace]:
                if other is rule:
                    continue
                reason = _clash(rule, other)
                if reason is None or not scopes_meet(export_scope(rule), export_scope(other)):
                    continue
                message = (
                    f"{other.display} also configures {reason} of host {host!r}; only one "
                    "of them applies, depending on creation order; merge them into one "
                    "DestinationRule"
                )
                where = [related(other, ("spec", "host"), "the other DestinationRule")]
                yield report(RULE, rule, ("spec", "host"), message, where)
                break
