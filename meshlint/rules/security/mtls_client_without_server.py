"""A DestinationRule turns mTLS on for a namespace or the mesh, but no PeerAuthentication
enables it for the servers (auto-mTLS off).

With auto-mTLS off, mTLS is configured from both ends: DestinationRules make clients send it,
PeerAuthentications say what servers accept. When only the client half exists, the traffic
works only because Istio's default server mode is PERMISSIVE: nothing requires mTLS, plain-text
callers are still accepted, and the intent of the DestinationRule is not enforced. Kiali reports
the same pair of resources (KIA0205, KIA0206); meshlint keeps it as information, since nothing
breaks. With auto-mTLS on (the default) it is not reported.

Which DestinationRule applies is decided per client namespace as Istio does
(`PushContext.destinationRule`, `meshlint/facts/destination_rules.py`): the client's namespace, then
the service's, then the root, the most specific host first. So a `*.local` rule in a client
namespace counts for that namespace's clients only, and a more specific rule that sets no TLS
hides a `*.local` ISTIO_MUTUAL one; the finding names the client namespaces that send mTLS.

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

## Differences from Istio and Kiali

Kiali reports a DestinationRule enabling mTLS without a PeerAuthentication (KIA0205,
KIA0206); here it is only information: PERMISSIVE, the default server mode, accepts it.

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
    TLS_MODE_PATH,
    auto_mtls_note,
    client_tls_modes,
    mtls_state,
    service_namespaces,
)
from meshlint.findings import Finding, Severity
from meshlint.input.resources import Resource
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML711",
    name="mtls-client-without-server",
    severity=Severity.INFO,
    summary="mTLS enabled by a DestinationRule only; no PeerAuthentication enables it.",
    kinds=("DestinationRule",),
    refs=("KIA0205", "KIA0206"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    if mesh.mesh_config.enable_auto_mtls:
        return
    state = mtls_state(mesh)
    # per DestinationRule sending mTLS: the server namespaces no PeerAuthentication enables
    # it for, and the client namespaces it reaches them from
    sending: dict[int, tuple[Resource, list[str], list[str]]] = {}
    for server in service_namespaces(mesh):
        policy = state.server_policy(server)
        if policy is not None and policy.mode in ("STRICT", "PERMISSIVE"):
            continue
        for client in client_tls_modes(mesh, server):
            if client.rule is None or client.mode != "ISTIO_MUTUAL":
                continue
            _, servers, clients = sending.setdefault(id(client.rule), (client.rule, [], []))
            for items, item in ((servers, server), (clients, client.namespace)):
                if item not in items:
                    items.append(item)
    for rule, servers, clients in sending.values():
        message = (
            f"this DestinationRule makes clients in {describe_namespaces(clients)} send mTLS "
            f"to the services of {describe_namespaces(servers)} ({auto_mtls_note(mesh)}), but "
            "no PeerAuthentication enables mTLS there; servers accept it only because "
            "PERMISSIVE is Istio's default. Add a PeerAuthentication (STRICT to require mTLS)"
        )
        yield report(RULE, rule, TLS_MODE_PATH, message)
