"""A DestinationRule disables TLS towards a namespace or the mesh whose PeerAuthentication
requires STRICT mTLS.

`tls.mode: DISABLE` in a DestinationRule makes clients send plain text, whatever auto-mTLS
would do. Servers whose PeerAuthentication is STRICT refuse plain text, so every request
through that DestinationRule fails (connection reset, 503 `UF`/`URX`). The namespace's own
PeerAuthentication decides; without one, the mesh-wide one in the root namespace does.
Checked for mesh-wide (`*.local`) and namespace-wide (`*.<ns>.svc.cluster.local`)
DestinationRules, as Kiali does; a PeerAuthentication that relaxes some ports
(`portLevelMtls`) is left alone.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: STRICT}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: no-tls, namespace: shop}
spec:
  host: "*.shop.svc.cluster.local"
  trafficPolicy:
    tls: {mode: DISABLE}
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: PERMISSIVE}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: no-tls, namespace: shop}
spec:
  host: "*.shop.svc.cluster.local"
  trafficPolicy:
    tls: {mode: DISABLE}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.policies import TLS_MODE_PATH, mtls_state, port_modes
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML712",
    name="mtls-plaintext-to-strict",
    severity=Severity.ERROR,
    summary="A DestinationRule disabling TLS towards servers that require STRICT mTLS.",
    kinds=("DestinationRule", "PeerAuthentication"),
    refs=("KIA0207", "KIA0208"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    state = mtls_state(mesh)
    for rule, mode, namespace in state.clients():
        if mode != "DISABLE":
            continue
        server = state.mesh_peer if namespace is None else state.server_policy(namespace)
        if server is None or server.mode != "STRICT" or port_modes(server.resource) - {"STRICT"}:
            continue
        scope = "the whole mesh" if namespace is None else f"namespace {namespace!r}"
        level = "mesh-wide" if server.mesh_wide else "namespace"
        message = (
            f"this DestinationRule sends plain text to {scope}, but the {level} "
            f"PeerAuthentication {server.resource.display} requires STRICT mTLS there, so "
            "every connection is refused; use tls.mode ISTIO_MUTUAL, or make the "
            "PeerAuthentication PERMISSIVE"
        )
        where = [related(server.resource, ("spec", "mtls", "mode"), "STRICT here")]
        yield report(RULE, rule, TLS_MODE_PATH, message, where)
