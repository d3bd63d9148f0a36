"""A DestinationRule disables TLS towards a namespace or the mesh whose PeerAuthentication
requires STRICT mTLS.

`tls.mode: DISABLE` in a DestinationRule makes clients send plain text, whatever auto-mTLS
would do. Servers whose PeerAuthentication is STRICT refuse plain text, so every request
through that DestinationRule fails (connection reset, 503 `UF`/`URX`). The namespace's own
PeerAuthentication decides; without one, the mesh-wide one in the root namespace does.
A PeerAuthentication that relaxes some ports (`portLevelMtls`) is left alone.

Which DestinationRule applies is decided per client namespace as Istio does
(`PushContext.destinationRule`, `meshlint/facts/destination_rules.py`): the client's namespace, then
the service's, then the root, the most specific host first. So a `*.local` DISABLE rule in the
root reaches a namespace that is STRICT on its own, a more specific rule (`*.cluster.local`,
`*.<ns>.svc.cluster.local`) hides it, and a rule in a third namespace reaches only that
namespace's clients; the finding names the client namespaces that send plain text.

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

## Differences from Istio and Kiali

`tls.mode: DISABLE` towards STRICT servers is an explicit contradiction: an error whatever
auto-mTLS says. Port-level PeerAuthentication exceptions keep a namespace from being
reported.

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
    MtlsPolicy,
    client_tls_modes,
    mtls_state,
    port_modes,
    service_namespaces,
)
from meshlint.findings import Finding, Severity
from meshlint.input.resources import Resource
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML712",
    name="mtls-plaintext-to-strict",
    severity=Severity.ERROR,
    summary="A DestinationRule disabling TLS towards servers that require STRICT mTLS.",
    kinds=("DestinationRule",),
    refs=("KIA0207", "KIA0208"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    state = mtls_state(mesh)
    # per DestinationRule sending plain text: the STRICT server namespaces, their
    # PeerAuthentications and the client namespaces it reaches them from
    sending: dict[int, tuple[Resource, list[str], list[MtlsPolicy], list[str]]] = {}
    for server in service_namespaces(mesh):
        policy = state.server_policy(server)
        if policy is None or policy.mode != "STRICT" or port_modes(policy.resource) - {"STRICT"}:
            continue
        for client in client_tls_modes(mesh, server):
            if client.rule is None or client.mode != "DISABLE":
                continue
            _, servers, policies, clients = sending.setdefault(
                id(client.rule), (client.rule, [], [], [])
            )
            for items, item in ((servers, server), (policies, policy), (clients, client.namespace)):
                if item not in items:
                    items.append(item)
    for rule, servers, policies, clients in sending.values():
        names = ", ".join(p.resource.display for p in policies)
        message = (
            f"this DestinationRule makes clients in {describe_namespaces(clients)} send plain "
            f"text to the services of {describe_namespaces(servers)}, but PeerAuthentication "
            f"{names} requires STRICT mTLS there, so every connection is refused; use "
            "tls.mode ISTIO_MUTUAL, or make the PeerAuthentication PERMISSIVE"
        )
        where = [related(p.resource, ("spec", "mtls", "mode"), "STRICT here") for p in policies]
        yield report(RULE, rule, TLS_MODE_PATH, message, where)
