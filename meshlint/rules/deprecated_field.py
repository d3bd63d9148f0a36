"""A field or feature that Istio has deprecated.

Deprecated fields keep working for a few releases, then disappear; the setting is then
silently dropped (or the resource rejected on apply). Checked: `fault.delay.percent` (use
`percentage`) and `mirrorPercent` (use `mirrorPercentage`) in VirtualService HTTP routes,
`outboundTrafficPolicy.egressProxy` in Sidecar, and Telemetry tracing that uses a Lightstep
extension provider (Lightstep is deprecated: send OpenTelemetry instead). Providers come from
the mesh config.

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

import yaml

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML606",
    name="deprecated-field",
    severity=Severity.WARNING,
    summary="A field or provider type that Istio has deprecated.",
    kinds=("VirtualService", "Sidecar", "Telemetry"),
    refs=("IST0002",),
)


def _http_routes(mesh: Mesh) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        routes = vs.spec.get("http")
        for index, route in enumerate(routes if isinstance(routes, list) else ()):
            if not isinstance(route, dict):
                continue
            base = ("spec", "http", index)
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


def extension_providers(mesh: Mesh) -> dict[str, str]:
    """Provider name -> type, from the mesh config (the ``istio`` ConfigMap when the shared
    mesh-config reader is not available)."""
    config = getattr(mesh, "mesh_config", None)
    if config is not None:
        return dict(config.extension_providers)
    providers: dict[str, str] = {}
    for config_map in mesh.of_type(K.CONFIG_MAP):
        data = config_map.body.get("data")
        text = data.get("mesh") if isinstance(data, dict) and config_map.name == "istio" else None
        try:
            raw = yaml.load(text, Loader=yaml.CSafeLoader) if isinstance(text, str) else None
        except yaml.YAMLError:
            raw = None
        entries = raw.get("extensionProviders") if isinstance(raw, dict) else None
        for entry in entries if isinstance(entries, list) else ():
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                kinds = [key for key in entry if key != "name"]
                providers[entry["name"]] = kinds[0] if kinds else ""
    return providers


def _lightstep(mesh: Mesh) -> Iterator[Finding]:
    lightstep = {n for n, kind in extension_providers(mesh).items() if kind == "lightstep"}
    if not lightstep:
        return
    for telemetry in mesh.of_type(K.TELEMETRY):
        tracing = telemetry.spec.get("tracing")
        for index, item in enumerate(tracing if isinstance(tracing, list) else ()):
            providers = item.get("providers") if isinstance(item, dict) else None
            for position, provider in enumerate(providers if isinstance(providers, list) else ()):
                name = provider.get("name") if isinstance(provider, dict) else None
                if name in lightstep:
                    path = ("spec", "tracing", index, "providers", position, "name")
                    message = (
                        f"{telemetry.display} traces to {name!r}, a Lightstep provider; "
                        "Lightstep is deprecated in Istio: use an OpenTelemetry provider"
                    )
                    yield report(RULE, telemetry, path, message)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    yield from _http_routes(mesh)
    yield from _sidecars(mesh)
    yield from _lightstep(mesh)
