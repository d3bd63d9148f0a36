"""An EnvoyFilter without a `priority` uses an order-dependent patch operation.

`INSERT_BEFORE`, `INSERT_AFTER`, `REPLACE` and `REMOVE` find their anchor by name in the
configuration that Istio and earlier EnvoyFilters produced. EnvoyFilters of the same priority
apply in creation order, so when another filter is re-created, or Istio renames a filter in an
upgrade, the anchor may be missing and the patch silently does nothing. Set `priority`, or use
`INSERT_FIRST`/`ADD` where the position does not matter. Reported once per EnvoyFilter.

## Bad

```yaml
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: lua, namespace: shop}
spec:
  workloadSelector: {labels: {app: reviews}}
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      listener:
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
            subFilter: {name: envoy.filters.http.router}
    patch:
      operation: INSERT_BEFORE
      value: {name: envoy.filters.http.lua}
```

## Good

```yaml
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: lua, namespace: shop}
spec:
  workloadSelector: {labels: {app: reviews}}
  priority: 10
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      listener:
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
            subFilter: {name: envoy.filters.http.router}
    patch:
      operation: INSERT_BEFORE
      value: {name: envoy.filters.http.lua}
```

## Differences from Istio and Kiali

Reported once per EnvoyFilter, at its first offending patch.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.envoyfilters import patches
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML801",
    name="envoyfilter-relative-operation",
    severity=Severity.WARNING,
    summary="An EnvoyFilter without priority that uses an order-dependent patch operation.",
    kinds=("EnvoyFilter",),
    refs=("IST0151",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    reported: set[int] = set()
    for patch in patches(mesh):
        if patch.priority or not patch.relative or id(patch.filter) in reported:
            continue
        reported.add(id(patch.filter))
        message = (
            f"{patch.filter.display} has no priority and uses {patch.operation}, which "
            "depends on the order EnvoyFilters are applied in; set spec.priority or use "
            "INSERT_FIRST/ADD"
        )
        yield report(RULE, patch.filter, patch.operation_path, message)
