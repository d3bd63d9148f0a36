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

## Fix

`fault.delay.percent: N` becomes `percentage: {value: N}` and `mirrorPercent: N` becomes
`mirrorPercentage: {value: N}`, in place: the same percentage, in the field that replaces the
deprecated one. Where the replacement is already set, nothing is changed.
`outboundTrafficPolicy.egressProxy` has no direct replacement and is not fixed.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.routes import route_rules
from meshlint.findings import Finding, Fix, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Edit, FixSafety, Rule, fix_for, report

RULE = Rule(
    code="ML606",
    name="deprecated-field",
    severity=Severity.WARNING,
    summary="A VirtualService or Sidecar field that Istio has deprecated.",
    kinds=("VirtualService", "Sidecar"),
    refs=("IST0002",),
    fix=FixSafety.SAFE,
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
                where = (*base, "fault", "delay")
                repair = _replace(vs, where, "percent", "percentage", percent, delay)
                yield report(RULE, vs, (*where, "percent"), message, fix=repair)
            if "mirrorPercent" in route:
                message = (
                    f"mirrorPercent in {vs.display} is deprecated; use mirrorPercentage: "
                    "{value: ...}"
                )
                mirror = route["mirrorPercent"]
                repair = _replace(vs, base, "mirrorPercent", "mirrorPercentage", mirror, route)
                yield report(RULE, vs, (*base, "mirrorPercent"), message, fix=repair)


def _replace(
    vs: Resource, path: tuple, old: str, new: str, value: object, holder: dict
) -> Fix | None:
    """``old: N`` becomes ``new: {value: N}``, where ``new`` is not set already."""
    if new in holder or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    edits = (Edit("set", (*path, old), {"value": value}), Edit("rename", (*path, old), key=new))
    return fix_for(vs, f"write {new}: {{value: {value}}}", *edits)


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
