"""An AuthorizationPolicy applies to no workload.

A policy with a `selector` applies to the matching pods of its namespace (of every namespace
when it lives in the root namespace); one without selector applies to every pod of its
namespace. When nothing matches, the policy protects nothing: a DENY never fires, and the
workload the author meant to lock down stays open. Workloads are the pod templates of
workload controllers and bare Pods in the analysed files; the standard Istio gateways and
workloads declared with `--known-workload` count as present. A selector-less policy in the
root namespace is mesh-wide and is not checked.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-delete, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  action: DENY
  rules: [{to: [{operation: {methods: [DELETE]}}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: carts, namespace: shop}
spec:
  selector: {matchLabels: {app: carts}}
  template:
    metadata: {labels: {app: carts}}
    spec:
      containers: [{name: carts, image: carts:1.0}]
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-delete, namespace: shop}
spec:
  selector: {matchLabels: {app: carts}}
  action: DENY
  rules: [{to: [{operation: {methods: [DELETE]}}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: carts, namespace: shop}
spec:
  selector: {matchLabels: {app: carts}}
  template:
    metadata: {labels: {app: carts}}
    spec:
      containers: [{name: carts, image: carts:1.0}]
```

## Differences from Istio and Kiali

Workloads are the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs
and CronJobs plus bare Pods; Istio's analyzers look at live Pods only, which a manifests tree
does not hold. Istio's standard `istio=ingressgateway` and `istio=egressgateway` pods in
`istio-system` always exist, and `--known-workload` declares more.
Any workload counts, injected or not: Istio's AuthorizationPolicy check counts only pods in
the mesh.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import is_known_workload, selection, selector_text
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML161",
    name="authz-selector-no-workload",
    severity=Severity.WARNING,
    summary="An AuthorizationPolicy that applies to no workload.",
    kinds=("AuthorizationPolicy",),
    refs=("IST0127", "KIA0004"),
)

_OUTSIDE = (
    "; fix the selector, or declare the workload with --known-workload if it is deployed "
    "from elsewhere"
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    root = mesh.root_namespace
    for policy in mesh.of_type(K.AUTHORIZATION_POLICY):
        if "targetRef" in policy.spec or "targetRefs" in policy.spec:
            continue
        mesh_wide = policy.namespace == root
        chosen = selection(mesh, policy, anywhere=mesh_wide)
        if chosen.labels is None:
            if mesh_wide or mesh.workloads_in(policy.namespace):
                continue
            if is_known_workload(mesh, {}, policy.namespace):
                continue
            message = (
                f"this policy applies to every workload of namespace {policy.namespace!r}, but "
                "the analysed files have no workload there" + _OUTSIDE
            )
            yield report(RULE, policy, ("metadata", "name"), message)
            continue
        if chosen.matches:
            continue
        where = (
            "any namespace (it is in the root namespace)"
            if mesh_wide
            else (f"namespace {policy.namespace!r}")
        )
        message = (
            f"selector {selector_text(chosen.labels)} matches no workload in {where} in the "
            "analysed files, so the policy applies to nothing" + _OUTSIDE
        )
        yield report(RULE, policy, chosen.path, message)
