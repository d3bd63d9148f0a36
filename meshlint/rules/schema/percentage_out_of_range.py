"""A percentage outside 0-100.

Istio's webhook refuses a Telemetry `randomSamplingPercentage` outside 0-100, VirtualService
mirror percentages above 100 or below 0, fault injection percentages that are neither 0 nor
between 0.0001 and 100 (smaller values cannot be represented), and outlier detection
`maxEjectionPercent`/`minHealthPercent` outside 0-100. A common slip is writing a fraction
(`0.01` meaning 1%, which is valid but samples 0.01%) or a per-mille value (`1000`).

## Bad

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: tracing
  namespace: istio-system
spec:
  tracing:
  - randomSamplingPercentage: 150
```

## Good

```yaml
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: tracing
  namespace: istio-system
spec:
  tracing:
  - randomSamplingPercentage: 0.5
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.fieldwalk import FieldSet
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Kind
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML533",
    name="percentage-out-of-range",
    severity=Severity.ERROR,
    summary="A sampling, mirror, fault or ejection percentage outside 0-100.",
    kinds=("Telemetry", "VirtualService", "DestinationRule"),
    refs=("IST0106",),
)

PLAIN = "plain"  # 0 <= value <= 100
FAULT = "fault"  # 0, or 0.0001 <= value <= 100

_POLICIES = (
    "spec.trafficPolicy",
    "spec.trafficPolicy.portLevelSettings[]",
    "spec.subsets[].trafficPolicy",
    "spec.subsets[].trafficPolicy.portLevelSettings[]",
)
FIELDS: dict[Kind, tuple[tuple[str, str], ...]] = {
    K.TELEMETRY: (("spec.tracing[].randomSamplingPercentage", PLAIN),),
    K.VIRTUAL_SERVICE: (
        ("spec.http[].mirrorPercentage.value", PLAIN),
        ("spec.http[].mirrorPercent", PLAIN),
        ("spec.http[].mirrors[].percentage.value", PLAIN),
        ("spec.http[].fault.delay.percentage.value", FAULT),
        ("spec.http[].fault.abort.percentage.value", FAULT),
    ),
    K.DESTINATION_RULE: tuple(
        (f"{policy}.outlierDetection.{field}", PLAIN)
        for policy in _POLICIES
        for field in ("maxEjectionPercent", "minHealthPercent")
    ),
}


def _problem(value: float, kind: str) -> str | None:
    if kind == FAULT and 0 < value < 0.0001:
        return "is below 0.0001, the smallest fault percentage Istio applies; use 0.0001 or 0"
    if 0 <= value <= 100:
        return None
    return "is outside 0-100 and Istio rejects it; write a percentage (100 means all)"


_COMPILED = {kind: FieldSet(dict(fields)) for kind, fields in FIELDS.items()}


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for kind, fields in _COMPILED.items():
        for resource in mesh.of_type(kind):
            for rangekind, path, value in fields.find(resource.body):
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    continue
                problem = _problem(value, rangekind)
                if problem:
                    name = path[-2] if path[-1] == "value" else path[-1]
                    yield report(RULE, resource, path, f"{name} {value:g} {problem}")
