"""A STRICT PeerAuthentication while auto-mTLS is off and no DestinationRule turns mTLS on.

With auto-mTLS (Istio's default) client sidecars send mTLS to every server that has a sidecar,
so a STRICT PeerAuthentication needs nothing else. When the mesh config sets
`enableAutoMtls: false`, clients send plain text unless a DestinationRule sets
`tls.mode: ISTIO_MUTUAL`; servers in STRICT mode then refuse every connection. A namespace
policy is satisfied by a `*.<namespace>.svc.cluster.local` or a mesh-wide (`*.local`)
DestinationRule; a mesh-wide policy (root namespace) by a mesh-wide one.

## Bad

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    enableAutoMtls: false
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: STRICT}
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
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: STRICT}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: default, namespace: shop}
spec:
  host: "*.shop.svc.cluster.local"
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.policies import MUTUAL_MODES, auto_mtls_note, mtls_state
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML710",
    name="mtls-strict-without-client-tls",
    severity=Severity.ERROR,
    summary="STRICT mTLS with auto-mTLS off and no DestinationRule sending mTLS.",
    kinds=("PeerAuthentication", "DestinationRule", "ConfigMap"),
    refs=("KIA0401", "KIA0501"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    if mesh.mesh_config.enable_auto_mtls:
        return
    state = mtls_state(mesh)
    for policy in state.peers():
        if policy.mode != "STRICT":
            continue
        namespace = None if policy.mesh_wide else policy.resource.namespace
        client = state.client_rule(namespace)
        if client is not None and client[1] in MUTUAL_MODES:
            continue
        scope = "the whole mesh" if policy.mesh_wide else f"namespace {namespace!r}"
        wanted = "'*.local'" if policy.mesh_wide else f"'*.{namespace}.svc.cluster.local'"
        message = (
            f"STRICT mTLS for {scope}, but {auto_mtls_note(mesh)} and no DestinationRule sends "
            "mTLS to it, so clients connect in plain text and are refused; add a "
            f"DestinationRule for {wanted} with tls.mode ISTIO_MUTUAL, or enable auto-mTLS"
        )
        yield report(RULE, policy.resource, ("spec", "mtls", "mode"), message)
