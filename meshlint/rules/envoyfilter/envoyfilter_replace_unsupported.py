"""An EnvoyFilter patch uses `REPLACE` on something that cannot be replaced.

`REPLACE` works on named filters (`HTTP_FILTER`, `NETWORK_FILTER`) and virtual hosts. On a
`CLUSTER`, `LISTENER`, `ROUTE_CONFIGURATION` and the other targets Istio ignores it, so the
intended configuration never reaches the proxy. Use `MERGE` to change an object, or `REMOVE`
plus `ADD` where that is supported.

## Bad

```yaml
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: cluster-timeout, namespace: shop}
spec:
  priority: 10
  configPatches:
  - applyTo: CLUSTER
    match: {context: SIDECAR_OUTBOUND}
    patch:
      operation: REPLACE
      value: {name: outbound|80||api.example.com, connect_timeout: 1s}
```

## Good

```yaml
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: cluster-timeout, namespace: shop}
spec:
  priority: 10
  configPatches:
  - applyTo: CLUSTER
    match: {context: SIDECAR_OUTBOUND}
    patch:
      operation: MERGE
      value: {connect_timeout: 1s}
```

## Differences from Istio and Kiali

No difference: `REPLACE` on `VIRTUAL_HOST` is accepted, as in Istio.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.envoyfilters import REPLACEABLE, patches
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML802",
    name="envoyfilter-replace-unsupported",
    severity=Severity.WARNING,
    summary="An EnvoyFilter REPLACE patch on a target that cannot be replaced.",
    kinds=("EnvoyFilter",),
    refs=("IST0152",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for patch in patches(mesh):
        if patch.operation == "REPLACE" and patch.apply_to not in REPLACEABLE:
            message = (
                f"{patch.filter.display} uses REPLACE on {patch.apply_to or 'an unset applyTo'}, "
                "where Istio ignores it (REPLACE works on HTTP_FILTER, NETWORK_FILTER and "
                "VIRTUAL_HOST); use MERGE"
            )
            yield report(RULE, patch.filter, patch.operation_path, message)
