"""Two or more PeerAuthentications select the same workload, or a namespace has more than one
without selector.

Istio applies a single PeerAuthentication per level: for a workload, the one with a selector
that matches it; else the namespace's selector-less one; else the mesh-wide one. When two
compete at the same level, Istio silently keeps the oldest, so the mTLS mode a workload really
gets depends on creation order and can change after a re-deploy. (RequestAuthentications are
not reported: Istio combines their JWT rules.)

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: permissive, namespace: shop}
spec:
  mtls: {mode: PERMISSIVE}
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
kind: PeerAuthentication
metadata: {name: legacy-client, namespace: shop}
spec:
  selector: {matchLabels: {app: legacy}}
  mtls: {mode: PERMISSIVE}
```

## Differences from Istio and Kiali

Competing policies (KIA0002, KIA0003) are reported for Sidecars, Telemetry and
PeerAuthentications, not for RequestAuthentications: Istio combines their JWT rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule
from meshlint.rules.selector_conflicts import conflicts, multiple_defaults

RULE = Rule(
    code="ML704",
    name="peer-authentication-conflict",
    severity=Severity.ERROR,
    summary="PeerAuthentications competing for the same workload or namespace.",
    kinds=("PeerAuthentication",),
    refs=("KIA0002", "KIA0003"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    yield from multiple_defaults(mesh, K.PEER_AUTHENTICATION, RULE, "PeerAuthentication")
    yield from conflicts(mesh, K.PEER_AUTHENTICATION, RULE, "PeerAuthentication")
