"""A resource exported with `kubectl get -o yaml` reports a failing status condition.

Istio and the Gateway API controllers write what they made of a resource into
`status.conditions` (and, for routes, `status.parents[].conditions`): a Gateway that is not
`Programmed`, a route that is not `Accepted` by its parent, a Service whose
`istio.io/WaypointBound` is false, an AuthorizationPolicy that ztunnel does not accept, or one
that is only `PartiallyInvalid`. These are facts from the cluster, not guesses; a linter that
reads exported manifests should surface them. Conditions of other controllers (Argo CD,
Flux, ...) are ignored.

## Bad

```yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews, namespace: shop}
spec:
  parentRefs: [{name: public, namespace: ingress}]
status:
  parents:
  - parentRef: {name: public, namespace: ingress}
    conditions:
    - type: Accepted
      status: "False"
      reason: NotAllowedByListeners
      message: listener does not allow routes from namespace shop
```

## Good

```yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews, namespace: shop}
spec:
  parentRefs: [{name: public, namespace: ingress}]
status:
  parents:
  - parentRef: {name: public, namespace: ingress}
    conditions:
    - type: Accepted
      status: "True"
      reason: Accepted
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML607",
    name="negative-status-condition",
    severity=Severity.WARNING,
    summary="A status condition (from kubectl get output) that reports a failure.",
    refs=("IST0171",),
)

# Condition types whose "True" is the healthy state, as Istio and the Gateway API write them.
POSITIVE_TYPES = frozenset(
    {
        "Accepted",
        "Programmed",
        "ResolvedRefs",
        "Ready",
        "Reconciled",
        "istio.io/WaypointBound",
        "ZtunnelAccepted",
        "WaypointAccepted",
    }
)
PARTIAL = "PartiallyInvalid"


def _conditions(status: dict) -> Iterator[tuple[tuple[object, ...], dict]]:
    items = status.get("conditions")
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict):
            yield ("status", "conditions", index), item
    parents = status.get("parents")
    for p, parent in enumerate(parents if isinstance(parents, list) else ()):
        items = parent.get("conditions") if isinstance(parent, dict) else None
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict):
                yield ("status", "parents", p, "conditions", index), item


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for resource in mesh.resources:
        status = resource.body.get("status")
        if not isinstance(status, dict):
            continue
        for path, condition in _conditions(status):
            kind = condition.get("type")
            if not isinstance(kind, str) or kind not in POSITIVE_TYPES:
                continue
            value, reason = str(condition.get("status")), condition.get("reason")
            if value != "False" and reason != PARTIAL:
                continue
            detail = condition.get("message")
            said = f": {detail}" if isinstance(detail, str) and detail else ""
            message = (
                f"{resource.display} reports condition {kind}={value} "
                f"(reason {reason or 'none'}){said}; the cluster did not apply it as written"
            )
            yield report(RULE, resource, (*path, "status"), message)
