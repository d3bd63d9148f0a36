"""Trace sampling at 100% (or above the configured threshold) on a production resource.

Tracing every request multiplies the load on the tracing backend and its bill, and adds
latency to every hop. Teams switch it on while debugging and forget it. meshlint looks
everywhere Istio reads the sampling rate: an IstioOperator
(`spec.meshConfig.defaultConfig.tracing.sampling`, `spec.values.pilot.traceSampling`), the
mesh ConfigMap (`istio` in the control-plane namespace, key `mesh`; the finding points at the
line inside the embedded YAML), Telemetry `spec.tracing[].randomSamplingPercentage`, and the
pod-template annotation `proxy.istio.io/config`.

Only production resources are reported; full sampling in development is deliberate. How
production is decided is described in the README (`--env`, labels, namespace labels, path
globs, namespace name, in that order).

Option: `threshold` (default 100): report sampling at or above this percentage.

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
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.embedded import parse_embedded
from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import K, Resource, field_path
from meshlint.production import production_verdict
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML301",
    name="trace-sampling-production",
    severity=Severity.WARNING,
    summary="100% trace sampling (or above the threshold) on a production resource.",
    kinds=("IstioOperator", "ConfigMap", "Telemetry", "Deployment", "Pod"),
    options={"threshold": 100},
)

PROXY_CONFIG = "proxy.istio.io/config"


def _dig(node: object, path: tuple[object, ...]) -> object:
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None
    return node


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _message(value: object, where: str, reason: str, threshold: float) -> str:
    return (
        f"{where} samples {value}% of requests (threshold {threshold}%) on a production "
        f"resource ({reason}); every traced request costs backend capacity and latency. "
        "Lower it (1% is a common production rate), or set it per environment"
    )


def _embedded_findings(
    resource: Resource,
    path: tuple[object, ...],
    inner: tuple[object, ...],
    where: str,
    reason: str,
    threshold: float,
) -> Iterator[Finding]:
    text = _dig(resource.body, path)
    if not isinstance(text, str):
        return
    embedded = parse_embedded(resource, path, text)
    if embedded is None:
        return
    value = _dig(embedded.value, inner)
    if _is_number(value) and value >= threshold:
        yield report(
            RULE,
            resource,
            path,
            _message(value, where, reason, threshold),
            at=embedded.position(inner),
            field_name=f"{field_path(path)}:{field_path(inner)}",
        )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    threshold = options["threshold"]
    settings = mesh.settings

    def verdict(resource: Resource, labels=None):
        return production_verdict(resource, mesh.namespace_labels, settings, labels)

    def direct(resource: Resource, path: tuple[object, ...], where: str) -> Iterator[Finding]:
        value = _dig(resource.body, path)
        if _is_number(value) and value >= threshold:
            is_prod, reason = verdict(resource)
            if is_prod:
                yield report(RULE, resource, path, _message(value, where, reason, threshold))

    for operator in mesh.of_type(K.ISTIO_OPERATOR):
        yield from direct(
            operator,
            ("spec", "meshConfig", "defaultConfig", "tracing", "sampling"),
            "meshConfig.defaultConfig.tracing.sampling",
        )
        yield from direct(
            operator, ("spec", "values", "pilot", "traceSampling"), "values.pilot.traceSampling"
        )
    for config_map in mesh.of_type(K.CONFIG_MAP):
        if config_map.name == "istio" or config_map.name.startswith("istio-"):
            if not isinstance(_dig(config_map.body, ("data", "mesh")), str):
                continue
            is_prod, reason = verdict(config_map)
            if is_prod:
                yield from _embedded_findings(
                    config_map,
                    ("data", "mesh"),
                    ("defaultConfig", "tracing", "sampling"),
                    "mesh config defaultConfig.tracing.sampling",
                    reason,
                    threshold,
                )
    for telemetry in mesh.of_type(K.TELEMETRY):
        tracing = telemetry.spec.get("tracing")
        if isinstance(tracing, list):
            for index in range(len(tracing)):
                yield from direct(
                    telemetry,
                    ("spec", "tracing", index, "randomSamplingPercentage"),
                    "Telemetry randomSamplingPercentage",
                )
    for workload in mesh.workloads:
        if PROXY_CONFIG not in workload.annotations:
            continue
        resource = workload.resource
        is_prod, reason = verdict(resource, {**resource.labels, **workload.labels})
        if is_prod:
            path = (*workload.path, "metadata", "annotations", PROXY_CONFIG)
            yield from _embedded_findings(
                resource,
                path,
                ("tracing", "sampling"),
                f"the {PROXY_CONFIG} annotation",
                reason,
                threshold,
            )
