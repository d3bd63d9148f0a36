"""A STRICT PeerAuthentication while auto-mTLS is off and no DestinationRule turns mTLS on.

With auto-mTLS (Istio's default) client sidecars send mTLS to every server that has a sidecar,
so a STRICT PeerAuthentication needs nothing else. When the mesh config sets
`enableAutoMtls: false`, clients send plain text unless a DestinationRule sets
`tls.mode: ISTIO_MUTUAL`; servers in STRICT mode then refuse every connection. A namespace
policy is satisfied by a DestinationRule with mTLS that applies to every client namespace
for the namespace's services, as Istio decides which one applies (`PushContext.destinationRule`,
`facts/destination_rules.py`): a `*.<namespace>.svc.cluster.local` rule in that namespace or
a `*.local` rule in the root namespace does; a `*.local` rule in some other namespace applies
only to the clients of its own namespace, and the finding names the client namespaces left
sending plain text. A mesh-wide policy (root namespace) is judged for every namespace it
governs.

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

## Differences from Istio and Kiali

mTLS consistency follows auto-mTLS as Kiali does: with auto-mTLS on (Istio's default) a
STRICT PeerAuthentication needs no DestinationRule and a service DestinationRule without
`tls` loses nothing. So this rule (KIA0401, KIA0501) reports only with auto-mTLS off. Explicit
contradictions are other rules' errors whatever auto-mTLS says, and port-level and
workload-level PeerAuthentication exceptions keep a namespace from being reported.

Which DestinationRule sets the TLS mode a client sends is decided per client namespace
(the merged entry's first top-level `trafficPolicy`), not from the host pattern: a `*.local`
rule in a namespace other than the root reaches only that namespace's clients, a more
specific wildcard (`*.cluster.local`) hides `*.local`, and the finding names the client
namespaces concerned.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.destination_rules import describe_namespaces
from meshlint.facts.graph import Mesh
from meshlint.facts.policies import (
    MUTUAL_MODES,
    auto_mtls_note,
    client_tls_modes,
    mtls_state,
    service_namespaces,
)
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML710",
    name="mtls-strict-without-client-tls",
    severity=Severity.ERROR,
    summary="STRICT mTLS with auto-mTLS off and no DestinationRule sending mTLS.",
    kinds=("PeerAuthentication",),
    refs=("KIA0401", "KIA0501"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    if mesh.mesh_config.enable_auto_mtls:
        return
    state = mtls_state(mesh)
    namespaces = service_namespaces(mesh)
    for policy in state.peers():
        if policy.mode != "STRICT":
            continue
        if policy.mesh_wide:
            servers = [n for n in namespaces if state.server_policy(n) is policy]
        else:
            servers = [policy.resource.namespace]
        plain: list[str] = []
        for server in servers:
            for client in client_tls_modes(mesh, server):
                if client.mode not in MUTUAL_MODES and client.namespace not in plain:
                    plain.append(client.namespace)
        if not plain:
            continue
        namespace = policy.resource.namespace
        scope = "the whole mesh" if policy.mesh_wide else f"namespace {namespace!r}"
        domain = mesh.settings.cluster_domain
        wanted = "'*.local'" if policy.mesh_wide else f"'*.{namespace}.svc.{domain}'"
        where = "the root namespace" if policy.mesh_wide else f"namespace {namespace!r}"
        message = (
            f"STRICT mTLS for {scope}, but {auto_mtls_note(mesh)} and no DestinationRule that "
            f"applies to clients in {describe_namespaces(plain)} sends mTLS to it, so they "
            "connect in plain text and are refused; add a DestinationRule in "
            f"{where} for {wanted} with tls.mode ISTIO_MUTUAL, or enable auto-mTLS"
        )
        yield report(RULE, policy.resource, ("spec", "mtls", "mode"), message)
