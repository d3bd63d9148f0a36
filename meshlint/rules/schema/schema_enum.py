"""A value that is not one of the names the field allows: `ROUND_ROBBIN`, `mode: strict`
(enums are case-sensitive), `ISTIO_MTLS`.

The API server rejects the resource. The finding points at the value and suggests the
nearest allowed name, or lists the allowed ones.

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
    loadBalancer:
      simple: ROUND_ROBBIN
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
    loadBalancer:
      simple: ROUND_ROBIN
```

## Fix

Replaces a misspelt value with the one allowed value close enough to be meant
(`ROUND_ROBBIN` becomes `ROUND_ROBIN`), when there is exactly one. Unsafe: the value starts to
take effect.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, FixSafety, Severity
from meshlint.rules.base import Rule
from meshlint.rules.schema.schema_base import schema_findings
from meshlint.schemas.validate import SchemaProblemKind

RULE = Rule(
    code="ML503",
    name="schema-enum",
    severity=Severity.ERROR,
    summary="A value that is not one of the field's allowed names.",
    problem=SchemaProblemKind.ENUM,
    refs=("IST0106",),
    fix=FixSafety.UNSAFE,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return schema_findings(RULE, mesh)
