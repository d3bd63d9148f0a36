"""An AuthorizationPolicy matches on caller identity where mTLS is not in effect.

`principals`, `namespaces` (and their `not` forms) and the `source.principal`,
`source.namespace` and `connection.sni` conditions come from the caller's mTLS certificate.
Without mTLS there is no certificate: these fields never match, so an ALLOW policy denies
everything and a DENY policy never fires. mTLS is off for a namespace when its
PeerAuthentication (else the mesh-wide one) says `DISABLE`, or when clients do not send it: a
namespace-wide or mesh-wide DestinationRule with `tls.mode: DISABLE`, or auto-mTLS turned off
in the mesh config with no DestinationRule enabling `ISTIO_MUTUAL`. Workload-level
PeerAuthentications that turn mTLS back on keep the namespace from being reported.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: DISABLE}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: from-frontend, namespace: shop}
spec:
  action: ALLOW
  rules:
  - from:
    - source: {namespaces: [frontend]}
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: from-frontend, namespace: shop}
spec:
  action: ALLOW
  rules:
  - from:
    - source: {namespaces: [frontend]}
```

## Differences from Istio and Kiali

Which DestinationRule sets the TLS mode a client sends is decided per client namespace
(the merged entry's first top-level `trafficPolicy`), not from the host pattern: a `*.local`
rule in a namespace other than the root reaches only that namespace's clients, a more
specific wildcard (`*.cluster.local`) hides `*.local`, and the finding names the client
namespaces concerned.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.destination_rules import ANY_OTHER_NAMESPACE
from meshlint.facts.graph import Mesh
from meshlint.facts.policies import (
    MUTUAL_MODES,
    MtlsState,
    authz_sources,
    auto_mtls_note,
    client_tls_modes,
    mtls_state,
    workload_peer_modes,
)
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML702",
    name="authz-identity-without-mtls",
    severity=Severity.ERROR,
    summary="An AuthorizationPolicy matching caller identity where mTLS is off.",
    kinds=("AuthorizationPolicy",),
    refs=("KIA0105",),
)

SOURCE_FIELDS = ("principals", "notPrincipals", "namespaces", "notNamespaces")
CONDITION_KEYS = ("source.principal", "source.namespace", "connection.sni")


def _why_no_mtls(mesh: Mesh, state: MtlsState, namespace: str | None) -> str | None:
    server = state.server_policy(namespace)
    if server is not None and server.mode == "DISABLE":
        if workload_peer_modes(mesh, namespace) - {"DISABLE", "UNSET"}:
            return None  # some workloads turn mTLS back on; the policy may target them
        return f"PeerAuthentication {server.resource.display} disables mTLS"
    # Which DestinationRule each caller gets (PushContext.destinationRule per client namespace)
    clients = client_tls_modes(mesh, namespace or ANY_OTHER_NAMESPACE)
    auto = mesh.mesh_config.enable_auto_mtls
    if any(c.mode in MUTUAL_MODES or (c.mode is None and auto) for c in clients):
        return None  # some callers send mTLS: the policy can match them
    explicit = next((c for c in clients if c.rule is not None and c.mode), None)
    if explicit is not None:
        return (
            f"DestinationRule {explicit.rule.display} makes clients send {explicit.mode} TLS "
            "mode (and no DestinationRule that applies to any caller sends mTLS)"
        )
    return f"{auto_mtls_note(mesh)} and no DestinationRule enables ISTIO_MUTUAL"


def _identity_paths(policy) -> Iterator[tuple[tuple[object, ...], str]]:
    for path, source in authz_sources(policy):
        for key in SOURCE_FIELDS:
            if source.get(key):
                yield (*path, key), key
    rules = policy.spec.get("rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else ()):
        conditions = rule.get("when") if isinstance(rule, dict) else None
        for position, item in enumerate(conditions if isinstance(conditions, list) else ()):
            if isinstance(item, dict) and item.get("key") in CONDITION_KEYS:
                yield ("spec", "rules", index, "when", position, "key"), item["key"]


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    policies = mesh.of_type(K.AUTHORIZATION_POLICY)
    if not policies:
        return
    state = mtls_state(mesh)
    for policy in policies:
        reason = _why_no_mtls(mesh, state, policy.namespace)
        if reason is None:
            continue
        for path, field_name in _identity_paths(policy):
            message = (
                f"{field_name} comes from the caller's mTLS certificate, but in namespace "
                f"{policy.namespace!r} {reason}, so it never matches; enable mTLS for this "
                "namespace or match on something else (ipBlocks, request headers)"
            )
            yield report(RULE, policy, path, message)
