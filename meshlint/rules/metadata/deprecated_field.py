"""A field or feature that Istio has deprecated.

Deprecated fields keep working for a few releases, then disappear; the setting is then
silently dropped (or the resource rejected on apply). Checked: `fault.delay.percent` (use
`percentage`) and `mirrorPercent` (use `mirrorPercentage`) in VirtualService HTTP routes,
and `outboundTrafficPolicy.egressProxy` in Sidecar. (Tracing through the deprecated Lightstep
provider, also IST0002, is `telemetry-lightstep-provider`.)

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: shop}
spec:
  hosts: [ratings]
  http:
  - fault:
      delay: {percent: 10, fixedDelay: 2s}
    route:
    - destination: {host: ratings}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: shop}
spec:
  hosts: [ratings]
  http:
  - fault:
      delay: {percentage: {value: 10}, fixedDelay: 2s}
    route:
    - destination: {host: ratings}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.routes import route_rules
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML606",
    name="deprecated-field",
    severity=Severity.WARNING,
    summary="A VirtualService or Sidecar field that Istio has deprecated.",
    kinds=("VirtualService", "Sidecar"),
    refs=("IST0002",),
)


def _http_routes(mesh: Mesh) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        for rule in route_rules(mesh, vs):
            if rule.section != "http":
                continue
            base, route = rule.path, rule.body
            fault = route.get("fault")
            delay = fault.get("delay") if isinstance(fault, dict) else None
            percent = delay.get("percent") if isinstance(delay, dict) else None
            if isinstance(percent, int) and percent > 0:
                message = (
                    f"fault.delay.percent in {vs.display} is deprecated; use "
                    f"percentage: {{value: {percent}}}"
                )
                yield report(RULE, vs, (*base, "fault", "delay", "percent"), message)
            if "mirrorPercent" in route:
                message = (
                    f"mirrorPercent in {vs.display} is deprecated; use mirrorPercentage: "
                    "{value: ...}"
                )
                yield report(RULE, vs, (*base, "mirrorPercent"), message)


def _sidecars(mesh: Mesh) -> Iterator[Finding]:
    for sidecar in mesh.of_type(K.SIDECAR):
        policy = sidecar.spec.get("outboundTrafficPolicy")
        if isinstance(policy, dict) and "egressProxy" in policy:
            message = (
                f"outboundTrafficPolicy.egressProxy in {sidecar.display} is deprecated and "
                "ignored by recent Istio; route egress through an egress gateway instead"
            )
            yield report(RULE, sidecar, ("spec", "outboundTrafficPolicy", "egressProxy"), message)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    yield from _http_routes(mesh)
    yield from _sidecars(mesh)
