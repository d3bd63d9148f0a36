r"""An EnvoyFilter without a `priority` combines an order-dependent operation with
`match.proxy.proxyVersion`.

A patch restricted to one proxy version is typically a workaround written for an upgrade. With
`INSERT_BEFORE`, `INSERT_AFTER` or `REPLACE`, its anchor is looked up in configuration that
differs between the old and the new proxy, and without a priority the order against other
filters is not fixed either: during the upgrade, exactly when it matters, the patch may not
apply. Set `priority`, or use an absolute operation.

## Bad

```yaml
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: compat, namespace: shop}
spec:
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      proxy: {proxyVersion: '^1\.27.*'}
      listener:
        filterChain:
          filter: {name: envoy.filters.network.http_connection_manager}
    patch:
      operation: INSERT_AFTER
      value: {name: envoy.filters.http.lua}
```

## Good

```yaml
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: compat, namespace: shop}
spec:
  priority: 5
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      proxy: {proxyVersion: '^1\.27.*'}
      listener:
        filterChain:
          filter: {name: envoy.filters.network.http_connection_manager}
    patch:
      operation: INSERT_AFTER
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
    code="ML805",
    name="envoyfilter-proxy-version-relative",
    severity=Severity.WARNING,
    summary="An EnvoyFilter without priority with proxyVersion and an order-dependent operation.",
    kinds=("EnvoyFilter",),
    refs=("IST0155",),
)

OPERATIONS = frozenset({"INSERT_BEFORE", "INSERT_AFTER", "REPLACE"})


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    reported: set[int] = set()
    for patch in patches(mesh):
        if patch.priority or not patch.proxy_version or patch.operation not in OPERATIONS:
            continue
        if id(patch.filter) in reported:
            continue
        reported.add(id(patch.filter))
        message = (
            f"{patch.filter.display} uses {patch.operation} in a patch limited by proxyVersion "
            "and has no priority; during upgrades it may not apply. Set spec.priority or "
            "use INSERT_FIRST/ADD"
        )
        yield report(RULE, patch.filter, patch.operation_path, message)
