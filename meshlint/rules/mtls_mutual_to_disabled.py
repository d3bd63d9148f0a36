"""A PeerAuthentication disables mTLS while a DestinationRule makes clients send mTLS to it.

`mtls.mode: DISABLE` makes the servers of a namespace (of the mesh, in the root namespace)
accept plain text only. A namespace-wide or mesh-wide DestinationRule with
`tls.mode: ISTIO_MUTUAL` makes clients send mTLS anyway (an explicit DestinationRule wins over
auto-mTLS), and the handshake fails: every request between those services errors out. A
namespace-wide DestinationRule that itself disables TLS takes precedence over a mesh-wide one.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: legacy}
spec:
  mtls: {mode: DISABLE}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: default, namespace: istio-system}
spec:
  host: "*.local"
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: legacy}
spec:
  mtls: {mode: DISABLE}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: default, namespace: istio-system}
spec:
  host: "*.local"
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: plain-text, namespace: legacy}
spec:
  host: "*.legacy.svc.cluster.local"
  trafficPolicy:
    tls: {mode: DISABLE}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.policies import MUTUAL_MODES, TLS_MODE_PATH, mtls_state
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML713",
    name="mtls-mutual-to-disabled",
    severity=Severity.ERROR,
    summary="A PeerAuthentication disabling mTLS where a DestinationRule sends mTLS.",
    kinds=("PeerAuthentication", "DestinationRule"),
    refs=("KIA0505", "KIA0506"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    state = mtls_state(mesh)
    for policy in state.peers():
        if policy.mode != "DISABLE":
            continue
        if policy.mesh_wide:
            client = state.mesh_client[0] if state.mesh_client else None
            scope = "the whole mesh"
        else:
            client = state.client_rule(policy.resource.namespace)
            scope = f"namespace {policy.resource.namespace!r}"
        if client is None or client[1] not in MUTUAL_MODES:
            continue
        rule, mode = client
        message = (
            f"mTLS is disabled for {scope}, but DestinationRule {rule.display} makes clients "
            f"send {mode} there, so the handshakes fail; set that DestinationRule's tls.mode "
            "to DISABLE for these hosts (a namespace-wide DestinationRule), or allow mTLS "
            "(PERMISSIVE or STRICT)"
        )
        where = [related(rule, TLS_MODE_PATH, f"{mode} here")]
        yield report(RULE, policy.resource, ("spec", "mtls", "mode"), message, where)
