"""A field that the kind's schema does not have: usually a typo (`destinaton`, `weigth`) or a
field put one level too deep or too high (`subsets` under a route).

The API server prunes fields a CRD's schema does not declare. What the author sees depends on
the client's field validation: kubectl asks for `Strict` by default (`--validate=strict`,
checked on the server since Kubernetes 1.25, GA in 1.27), so `kubectl apply` fails with
`unknown field`; a request that does not ask gets the server's default, `Warn` (1.25+): the
resource is stored without the field and a warning is returned, which many deploy tools
do not show; `--validate=false` (`Ignore`) drops it in silence. Then the route,
retry or policy the author wrote simply does not exist. The finding points at the key itself
and suggests the nearest allowed name.

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
    - destinaton:
        host: reviews
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
    - destination:
        host: reviews
```

## Fix

Renames a misspelt field to the one field of the schema close enough to be meant
(`destinaton` becomes `destination`), when there is exactly one such candidate and it is not
set already. Unsafe: the renamed field starts to take effect.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, FixSafety, Severity
from meshlint.rules.base import Rule
from meshlint.rules.schema.schema_base import schema_findings
from meshlint.schemas.validate import SchemaProblemKind

RULE = Rule(
    code="ML501",
    name="schema-unknown-field",
    severity=Severity.ERROR,
    summary="A field the kind's schema does not define (a typo or a misplaced field).",
    problem=SchemaProblemKind.UNKNOWN_FIELD,
    refs=("IST0106",),
    fix=FixSafety.UNSAFE,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return schema_findings(RULE, mesh)
