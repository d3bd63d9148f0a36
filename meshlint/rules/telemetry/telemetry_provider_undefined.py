"""A Telemetry names a provider the mesh config does not define, or relies on a default
access-log provider that the mesh config does not set.

Telemetry providers (`envoy`, `prometheus`, an OpenTelemetry collector...) are defined in the
mesh config's `extensionProviders` (Istio adds `prometheus`, `stackdriver` and `envoy`).
istiod ignores a provider name it does not know, so the access logs or traces the Telemetry
asks for never appear, with no error anywhere. An `accessLogging` entry without `providers`
uses the mesh's `defaultProviders.accessLogging`; when the mesh sets none, the entry does
nothing. Provider names are only checked when a mesh config was found (`--mesh-config`, the
`istio` ConfigMap or an IstioOperator); without one, only the empty-providers case is, since
Istio's defaults have no default access-log provider.

## Bad

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: mesh-default, namespace: istio-system}
spec:
  accessLogging:
  - filter: {expression: "response.code >= 400"}
```

## Good

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: mesh-default, namespace: istio-system}
spec:
  accessLogging:
  - providers: [{name: envoy}]
    filter: {expression: "response.code >= 400"}
```

## Differences from Istio and Kiali

Provider names are checked only when a mesh config was found; the empty `accessLogging`
provider check (IST0157) runs on Istio's defaults too, as Istio does.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report, suggest

RULE = Rule(
    code="ML313",
    name="telemetry-provider-undefined",
    severity=Severity.ERROR,
    summary="A Telemetry provider that the mesh config does not define.",
    kinds=("Telemetry",),
    refs=("IST0157",),
)

SECTIONS = ("accessLogging", "tracing", "metrics")


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    config = mesh.mesh_config
    providers = config.extension_providers
    default_logs = config.default_providers.get("accessLogging", ())
    for telemetry in mesh.of_type(K.TELEMETRY):
        for section in SECTIONS:
            entries = telemetry.spec.get(section)
            for index, entry in enumerate(entries if isinstance(entries, list) else ()):
                if not isinstance(entry, dict):
                    continue
                named = entry.get("providers")
                named = named if isinstance(named, list) else []
                if section == "accessLogging" and not named and not default_logs:
                    if entry.get("disabled") is True:
                        continue
                    message = (
                        "this accessLogging entry names no provider and the mesh config "
                        f"({config.describe()}) sets no defaultProviders.accessLogging, so no "
                        "access log is written; add `providers: [{name: envoy}]` or set a "
                        "default access-log provider in the mesh config"
                    )
                    yield report(RULE, telemetry, ("spec", section, index), message)
                if not config.found:
                    continue
                for position, provider in enumerate(named):
                    name = provider.get("name") if isinstance(provider, dict) else None
                    if not isinstance(name, str) or name in providers:
                        continue
                    message = (
                        f"provider {name!r} is not defined in the mesh config "
                        f"({config.describe()}){suggest(name, providers)}; istiod ignores it. "
                        "Add it to extensionProviders or fix the name"
                    )
                    path = ("spec", section, index, "providers", position, "name")
                    yield report(RULE, telemetry, path, message)
