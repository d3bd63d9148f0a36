"""A PeerAuthentication or RequestAuthentication selector matches no workload.

Authentication policies with a `selector` apply only to the pods they select. When nothing
matches, the mTLS mode or the JWT requirement the author wrote protects nothing, and the
workload it was meant for keeps the namespace (or mesh) default: plain text may still be
accepted, requests without a token still pass. In the root namespace the selector is matched
against every namespace. Workloads are the pod templates of workload controllers and bare Pods
in the analysed files, plus Istio's standard gateways and `--known-workload` declarations.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: payments, namespace: shop}
spec:
  selector: {matchLabels: {app: payment}}
  mtls: {mode: STRICT}
---
apiVersion: v1
kind: Pod
metadata:
  name: payments
  namespace: shop
  labels: {app: payments}
spec:
  containers: [{name: payments, image: payments:1.0}]
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: payments, namespace: shop}
spec:
  selector: {matchLabels: {app: payments}}
  mtls: {mode: STRICT}
---
apiVersion: v1
kind: Pod
metadata:
  name: payments
  namespace: shop
  labels: {app: payments}
spec:
  containers: [{name: payments, image: payments:1.0}]
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
from meshlint.facts.selectors import selection, selector_text
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML164",
    name="authn-selector-no-workload",
    severity=Severity.WARNING,
    summary="A PeerAuthentication or RequestAuthentication selector that matches no workload.",
    kinds=("PeerAuthentication", "RequestAuthentication"),
    refs=("KIA0004",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    root = mesh.root_namespace
    for policy in mesh.of_type(K.PEER_AUTHENTICATION, K.REQUEST_AUTHENTICATION):
        if "targetRef" in policy.spec or "targetRefs" in policy.spec:
            continue
        anywhere = policy.namespace == root
        chosen = selection(mesh, policy, anywhere=anywhere)
        if chosen.labels is None or chosen.matches:
            continue
        where = "any namespace" if anywhere else f"namespace {policy.namespace!r}"
        message = (
            f"selector {selector_text(chosen.labels)} matches no workload in {where} in the "
            f"analysed files, so this {policy.kind} applies to nothing; fix the labels, or "
            "declare the workload with --known-workload if it is deployed from elsewhere"
        )
        yield report(RULE, policy, chosen.path, message)
