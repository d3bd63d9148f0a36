"""A policy selects the pods of a Kubernetes Gateway with `selector` instead of `targetRefs`.

Istio ignores `selector` for pods that Istio deploys for a Gateway API `Gateway` (they carry
the `gateway.networking.k8s.io/gateway-name` label): such pods are configured through the
Gateway, so an AuthorizationPolicy, RequestAuthentication, Telemetry or WasmPlugin written this
way silently does nothing, which for an AuthorizationPolicy means an open gateway. Attach the
policy with `targetRefs` to the Gateway.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: ingress}
spec:
  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: public
  action: DENY
  rules:
  - to: [{operation: {paths: ["/admin/*"]}}]
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: ingress}
spec:
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: public}
  action: DENY
  rules:
  - to: [{operation: {paths: ["/admin/*"]}}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import selection
from meshlint.findings import Finding, Severity
from meshlint.input.resources import EXTENSIONS, K, Kind
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML425",
    name="gateway-api-pod-selector",
    severity=Severity.WARNING,
    summary="A policy that selects Gateway API gateway pods with selector instead of targetRefs.",
    kinds=("AuthorizationPolicy", "RequestAuthentication", "Telemetry", "WasmPlugin"),
    refs=("IST0166",),
)

GATEWAY_NAME = "gateway.networking.k8s.io/gateway-name"
WASM_PLUGIN = Kind(EXTENSIONS, "WasmPlugin")
POLICY_KINDS = (K.AUTHORIZATION_POLICY, K.REQUEST_AUTHENTICATION, K.TELEMETRY, WASM_PLUGIN)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for policy in mesh.of_type(*POLICY_KINDS):
        spec = policy.spec
        if spec.get("targetRef") or spec.get("targetRefs"):
            continue
        chosen = selection(mesh, policy)
        if chosen.labels is None:
            continue
        wanted = chosen.labels
        selected = chosen.workloads
        pods = [w for w in selected if GATEWAY_NAME in w.labels]
        if GATEWAY_NAME not in wanted and not pods:
            continue
        gateway = wanted.get(GATEWAY_NAME) or pods[0].labels[GATEWAY_NAME]
        message = (
            f"{policy.kind} {policy.name!r} selects the pods of Gateway {gateway!r} with "
            "selector, which Istio ignores for Gateway API gateways; use targetRefs: "
            f"[{{group: gateway.networking.k8s.io, kind: Gateway, name: {gateway}}}]"
        )
        where = [
            related(w.resource, (*w.path, "metadata", "labels"), "gateway pods") for w in pods[:3]
        ]
        yield report(RULE, policy, ("spec", "selector", "matchLabels"), message, where)
