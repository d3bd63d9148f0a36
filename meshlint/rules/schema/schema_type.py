"""A value of the wrong type: a quoted weight (`"50"`), a number where a duration string
belongs (`timeout: 5`), a single host where a list belongs.

The API server rejects the resource with an error that names only the first such field; the
finding points at each value and says what the schema expects, with the usual fix (remove
or add quotes, write a list). A `metadata` that is not a mapping is left to invalid-metadata
(ML008), which checks metadata on every kind.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: "90"
    - destination: {host: reviews, subset: v2}
      weight: 10
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 90
    - destination: {host: reviews, subset: v2}
      weight: 10
```

## Fix

A quoted whole number where the schema wants an integer (`weight: "90"`) loses its quotes.
Other type errors have no single obvious repair and are not fixed.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, FixSafety, Severity
from meshlint.rules.base import Rule
from meshlint.rules.schema.schema_base import schema_findings
from meshlint.schemas.validate import SchemaProblemKind

RULE = Rule(
    code="ML502",
    name="schema-type",
    severity=Severity.ERROR,
    summary="A value of the wrong type (a quoted number, a scalar where a list belongs).",
    problem=SchemaProblemKind.TYPE,
    refs=("IST0106",),
    fix=FixSafety.SAFE,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return schema_findings(RULE, mesh)
