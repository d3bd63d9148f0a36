"""A PeerAuthentication disables mTLS while a DestinationRule makes clients send mTLS to it.

`mtls.mode: DISABLE` makes the servers of a namespace (of the mesh, in the root namespace)
accept plain text only. A namespace-wide or mesh-wide DestinationRule with
`tls.mode: ISTIO_MUTUAL` makes clients send mTLS anyway (an explicit DestinationRule wins over
auto-mTLS), and the handshake fails: every request between those services errors out.

Which DestinationRule applies is decided per client namespace as Istio does
(`PushContext.destinationRule`, `meshlint/facts/destination_rules.py`): the client's namespace, then
the service's, then the root. So a DestinationRule in the disabled namespace that itself
disables TLS wins over a mesh-wide one, and a `*.local` rule in a third namespace reaches only
the clients of that namespace; the finding names the client namespaces that send mTLS.

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

## Differences from Istio and Kiali

`ISTIO_MUTUAL` towards `DISABLE` servers is an explicit contradiction: an error whatever
auto-mTLS says. Port-level and workload-level PeerAuthentication exceptions keep a
namespace from being reported.

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
    TLS_MODE_PATH,
    client_tls_modes,
    mtls_state,
    service_namespaces,
)
from meshlint.findings import Finding, Severity
from meshlint.input.resources import Resource
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML713",
    name="mtls-mutual-to-disabled",
    severity=Severity.ERROR,
    summary="A PeerAuthentication disabling mTLS where a DestinationRule sends mTLS.",
    kinds=("PeerAuthentication",),
    refs=("KIA0505", "KIA0506"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    state = mtls_state(mesh)
    namespaces = service_namespaces(mesh)
    for policy in state.peers():
        if policy.mode != "DISABLE":
            continue
        if policy.mesh_wide:
            servers = [n for n in namespaces if state.server_policy(n) is policy]
            scope = "the whole mesh"
        else:
            servers = [policy.resource.namespace]
            scope = f"namespace {policy.resource.namespace!r}"
        sending: dict[int, tuple[Resource, str, list[str]]] = {}
        for server in servers:
            for client in client_tls_modes(mesh, server):
                if client.rule is None or client.mode not in MUTUAL_MODES:
                    continue
                _, _, clients = sending.setdefault(id(client.rule), (client.rule, client.mode, []))
                if client.namespace not in clients:
                    clients.append(client.namespace)
        if not sending:
            continue
        rule, mode, clients = next(iter(sending.values()))
        message = (
            f"mTLS is disabled for {scope}, but DestinationRule {rule.display} makes clients "
            f"in {describe_namespaces(clients)} send {mode} there, so the handshakes fail; "
            "set tls.mode DISABLE for these hosts in the DestinationRule that applies to those "
            "clients, or allow mTLS (PERMISSIVE or STRICT)"
        )
        where = [related(r, TLS_MODE_PATH, f"{m} here") for r, m, _ in sending.values()]
        yield report(RULE, policy.resource, ("spec", "mtls", "mode"), message, where)
