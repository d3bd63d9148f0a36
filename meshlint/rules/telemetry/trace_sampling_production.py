"""Trace sampling at 100% (or above the configured threshold) that takes effect in production.

Tracing every request multiplies the load on the tracing backend and its bill, and adds
latency to every hop. Teams switch it on while debugging and forget it. meshlint works out,
as istiod does, which rate each proxy gets and which field sets it
(`pilot/pkg/model/telemetry.go` `Tracing`, `pilot/pkg/networking/core/tracing.go`
`configureTracingFromTelemetry` and `proxyConfigSamplingValue`), and reports only that field:

1. Telemetry `spec.tracing[].randomSamplingPercentage`: the root namespace's, then the
   namespace's, then the first matching workload Telemetry's, each overriding the one before;
2. else `defaultConfig.tracing.sampling`: the `proxy.istio.io/config` pod annotation, over
   the mesh config (the `istio` ConfigMap's `mesh` key, where the finding points at the line
   inside the embedded YAML, or an IstioOperator's `spec.meshConfig`);
3. else istiod's `PILOT_TRACE_SAMPLING`: the istiod Deployment's env, or an IstioOperator's
   `values.pilot.traceSampling` (which the chart writes after `values.pilot.env`).

Values are read as Istio reads them: a quoted `"100"` in the mesh config or the annotation is
100, a `defaultConfig` sampling over 100 becomes 1%. Nothing is traced (and nothing reported)
where `disableSpanReporting` is set, where a Telemetry applies but no tracing provider does
(with the mesh config in the files: none named, no `defaultProviders.tracing`, or a name the
mesh config does not define), or where no Telemetry applies and `enableTracing` is false.

Only production is reported; full sampling in development is deliberate. A Telemetry, a pod
annotation or a workload is judged as described in
[How production is detected](../resolution.md#how-production-is-detected) (`--env`, labels,
namespace labels, path globs, namespace name, in that order). Mesh-wide sources (a root-namespace
Telemetry, the mesh config, `PILOT_TRACE_SAMPLING`) are judged by the namespaces they reach:
they are reported, naming them, when they take effect in a production namespace that no
namespace or workload Telemetry overrides.

Options: `threshold` (default 100): report sampling at or above this percentage;
`production_rate` (default 1): the rate the fix sets.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels: {env: prod, istio-injection: enabled}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: tracing
  namespace: payments
spec:
  tracing:
  - randomSamplingPercentage: 100
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels: {env: prod, istio-injection: enabled}
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: tracing
  namespace: payments
spec:
  tracing:
  - randomSamplingPercentage: 1
```

## Fix

Sets the field that takes effect to the `production_rate` option (1% by default), keeping a
quoted value quoted. A rate inside an embedded document (the `istio` ConfigMap's `mesh` key,
a `proxy.istio.io/config` annotation) is not edited, nor one set by the `--mesh-config` file.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.config.options import NUMBER, rule_option
from meshlint.facts.graph import WORKLOAD_KINDS, Mesh
from meshlint.facts.production import Verdict, namespace_verdict, production_verdict
from meshlint.facts.tracing import Place, SamplingSource, effective_sampling
from meshlint.findings import Finding, Fix, Severity
from meshlint.input.embedded import parse_embedded
from meshlint.input.resources import K, Resource, field_path
from meshlint.rules.base import Edit, FixSafety, Rule, fix_for, quoted_list, report

RULE = Rule(
    code="ML301",
    name="trace-sampling-production",
    severity=Severity.WARNING,
    summary="100% trace sampling (or above the threshold) that takes effect in production.",
    kinds=("IstioOperator", "ConfigMap", "Telemetry", *WORKLOAD_KINDS),
    options=(
        rule_option("threshold", 100, NUMBER, "report sampling at or above this percentage"),
        rule_option("production_rate", 1, NUMBER, "the sampling rate the fix sets"),
    ),
    fix=FixSafety.SAFE,
)


def _value(value: float) -> str:
    return f"{value:g}"


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    threshold = options["threshold"]
    by_source: dict[tuple, tuple[SamplingSource, list[Place]]] = {}
    for place, source in effective_sampling(mesh):
        if source.resource is None or source.value < threshold:
            continue
        key = (id(source.resource), source.path, source.inner)
        by_source.setdefault(key, (source, []))[1].append(place)
    paths = _namespace_paths(mesh)
    for source, places in by_source.values():
        if source.mesh_wide:
            reached = {}
            for place in places:
                is_prod, reason = _place_verdict(mesh, place, paths)
                if is_prod:
                    reached.setdefault(place.namespace, reason)
            if not reached:
                continue
            names = quoted_list(reached)
            first = sorted(reached)[0]
            why = f"production namespaces {names}; {first}: {reached[first]}"
        else:
            labels = None
            for place in places:
                if place.workload is not None and place.workload.resource is source.resource:
                    labels = {**source.resource.labels, **place.workload.labels}
            is_prod, reason = production_verdict(
                source.resource, mesh.namespace_labels, mesh.settings, labels
            )
            if not is_prod:
                continue
            why = reason
        yield _finding(source, why, threshold, fix(source, options["production_rate"], threshold))


def _namespace_paths(mesh: Mesh) -> dict[str, list[str]]:
    paths: dict[str, list[str]] = {}
    for resource in mesh.resources:
        if resource.namespace and resource.source.path:
            paths.setdefault(resource.namespace, []).append(resource.source.path)
    for namespace in mesh.namespace_names:
        declared = mesh.get(K.NAMESPACE, None, namespace)
        if declared is not None and declared.source.path:
            paths.setdefault(namespace, []).append(declared.source.path)
    return paths


def _place_verdict(mesh: Mesh, place: Place, paths: dict[str, list[str]]) -> Verdict:
    if place.workload is not None:
        workload = place.workload
        labels = {**workload.resource.labels, **workload.labels}
        return production_verdict(workload.resource, mesh.namespace_labels, mesh.settings, labels)
    return namespace_verdict(
        place.namespace, mesh.namespace_labels, mesh.settings, paths.get(place.namespace, ())
    )


def fix(source: SamplingSource, rate: float, threshold: float) -> Fix | None:
    """Set the sampling field to the production rate, in the type it was written in."""
    if source.inner is not None or source.resource is None or not rate < threshold:
        return None
    current: object = source.resource.body
    for step in source.path:
        current = current[step] if isinstance(current, (dict, list)) else None
    if isinstance(current, bool) or not isinstance(current, (int, float, str)):
        return None
    value: object = rate if isinstance(rate, float) and not rate.is_integer() else int(rate)
    if isinstance(current, str):
        value = _value(rate)
    edit = Edit("set", source.path, value)
    return fix_for(source.resource, f"set the sampling rate to {_value(rate)}%", edit)


def _finding(source: SamplingSource, why: str, threshold: float, repair: Fix | None) -> Finding:
    resource: Resource = source.resource
    message = (
        f"{source.where} samples {_value(source.value)}% of requests (threshold "
        f"{_value(threshold)}%), and it is the rate that takes effect in production ({why}); "
        "every traced request costs backend capacity and latency. Lower it (1% is a common "
        "production rate), or set it per environment"
    )
    if source.inner is None:
        return report(RULE, resource, source.path, message, fix=repair)
    text = resource.body
    for step in source.path:
        text = text[step] if isinstance(text, (dict, list)) else None
    embedded = parse_embedded(resource, source.path, text) if isinstance(text, str) else None
    at = embedded.position(source.inner) if embedded else None
    name = f"{field_path(source.path)}:{field_path(source.inner)}"
    return report(RULE, resource, source.path, message, at=at, field_name=name)
