"""A Telemetry sends traces to a Lightstep provider, which Istio has deprecated.

Istio's `lightstep` extension provider is deprecated (Lightstep, now ServiceNow Cloud
Observability, ingests OpenTelemetry), and it is slated for removal: an upgrade that drops it
stops the traces. Define an `opentelemetry` provider that points at the collector or the
vendor's OTLP endpoint and reference that one instead. The provider types come from the mesh
config (`--mesh-config`, the `istio` ConfigMap or an IstioOperator).

## Bad

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    extensionProviders:
    - name: lightstep
      lightstep: {service: ingest.lightstep.com, port: 443, accessToken: secret}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: mesh-default, namespace: istio-system}
spec:
  tracing: [{providers: [{name: lightstep}]}]
```

## Good

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    extensionProviders:
    - name: otel
      opentelemetry: {service: otel-collector.observability.svc.cluster.local, port: 4317}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: mesh-default, namespace: istio-system}
spec:
  tracing: [{providers: [{name: otel}]}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML314",
    name="telemetry-lightstep-provider",
    severity=Severity.WARNING,
    summary="Tracing through the deprecated Lightstep provider.",
    kinds=("Telemetry",),
    refs=("IST0002",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    config = mesh.mesh_config
    lightstep = {n for n, kind in config.extension_providers.items() if kind == "lightstep"}
    if not lightstep:
        return
    for telemetry in mesh.of_type(K.TELEMETRY):
        entries = telemetry.spec.get("tracing")
        for index, entry in enumerate(entries if isinstance(entries, list) else ()):
            named = entry.get("providers") if isinstance(entry, dict) else None
            for position, provider in enumerate(named if isinstance(named, list) else ()):
                name = provider.get("name") if isinstance(provider, dict) else None
                if isinstance(name, str) and name in lightstep:
                    message = (
                        f"provider {name!r} is a Lightstep provider ({config.describe()}), "
                        "which Istio has deprecated; define an opentelemetry provider for the "
                        "same backend and use it here"
                    )
                    path = ("spec", "tracing", index, "providers", position, "name")
                    yield report(RULE, telemetry, path, message)
