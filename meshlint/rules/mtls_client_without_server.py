"""A DestinationRule turns mTLS on for a namespace or the mesh, but no PeerAuthentication
enables it for the servers (auto-mTLS off).

With auto-mTLS off, mTLS is configured from both ends: DestinationRules make clients send it,
PeerAuthentications say what servers accept. When only the client half exists, the traffic
works only because Istio's default server mode is PERMISSIVE: nothing requires mTLS, plain-text
callers are still accepted, and the intent of the DestinationRule is not enforced. Kiali reports
the same pair of resources (KIA0205, KIA0206); meshlint keeps it as information, since nothing
breaks. With auto-mTLS on (the default) it is not reported.

## Bad

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    enableAutoMtls: false
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: default, namespace: shop}
spec:
  host: "*.shop.svc.cluster.local"
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
```

## Good

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    enableAutoMtls: false
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: default, namespace: shop}
spec:
  host: "*.shop.svc.cluster.local"
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: STRICT}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.policies import TLS_MODE_PATH, auto_mtls_note, mtls_state
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML711",
    name="mtls-client-without-server",
    severity=Severity.INFO,
    summary="mTLS enabled by a DestinationRule only; no PeerAuthentication enables it.",
    kinds=("DestinationRule", "PeerAuthentication", "ConfigMap"),
    refs=("KIA0205", "KIA0206"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    if mesh.mesh_config.enable_auto_mtls:
        return
    state = mtls_state(mesh)
    for rule, mode, namespace in state.clients():
        if mode != "ISTIO_MUTUAL":
            continue
        server = state.mesh_peer if namespace is None else state.server_policy(namespace)
        if server is not None and server.mode in ("STRICT", "PERMISSIVE"):
            continue
        scope = "the whole mesh" if namespace is None else f"namespace {namespace!r}"
        message = (
            f"this DestinationRule sends mTLS to {scope} ({auto_mtls_note(mesh)}), but no "
            "PeerAuthentication enables mTLS there; servers accept it only because PERMISSIVE "
            "is Istio's default. Add a PeerAuthentication (STRICT to require mTLS)"
        )
        yield report(RULE, rule, TLS_MODE_PATH, message)
