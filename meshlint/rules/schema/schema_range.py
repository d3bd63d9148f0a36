"""A number outside the range its field allows: a negative `consecutive5xxErrors`, a
warm-up `minimumPercent` or retry-budget `percent` above 100, an outlier-detection HTTP
error code outside 100-599.

The API server rejects the resource. The finding points at the number and states the
allowed range.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: -1
      interval: 30s
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 30s
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule
from meshlint.rules.schema.schema_base import schema_findings
from meshlint.schemas.validate import SchemaProblemKind

RULE = Rule(
    code="ML505",
    name="schema-range",
    severity=Severity.ERROR,
    summary="A number below the field's minimum or above its maximum.",
    problem=SchemaProblemKind.RANGE,
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return schema_findings(RULE, mesh)
