"""Fields that exclude each other are set together, or another combined schema constraint
fails: a string match with both `exact` and `prefix`, a load balancer with both `simple`
and `consistentHash`, a TLS setting with two certificate sources.

Istio's schemas say "at most one of these" with a `oneOf`; the API server rejects a resource
that sets two of them, and even where it does not, Envoy can only apply one. The finding
points at the second field and names the group it belongs to.

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
  - match:
    - uri:
        exact: /reviews
        prefix: /reviews/
    route:
    - destination: {host: reviews}
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
  - match:
    - uri:
        prefix: /reviews
    route:
    - destination: {host: reviews}
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
    code="ML508",
    name="schema-constraint",
    severity=Severity.ERROR,
    summary="Mutually exclusive fields set together, or another combined schema constraint.",
    problem=SchemaProblemKind.CONSTRAINT,
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return schema_findings(RULE, mesh)
