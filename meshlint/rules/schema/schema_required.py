"""A required field is missing: a route `destination` without `host`, a Gateway server port
without `protocol`, a ServiceEntry without `hosts`.

The API server rejects the resource. The finding points at the mapping that lacks the field
and names it. When a misspelt key stands in for the missing one, only the unknown field is
reported: one problem, one finding.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: web
  namespace: shop
spec:
  selector: {istio: ingressgateway}
  servers:
  - port:
      number: 80
      name: http
    hosts: [web.example.com]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: web
  namespace: shop
spec:
  selector: {istio: ingressgateway}
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts: [web.example.com]
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
    code="ML504",
    name="schema-required",
    severity=Severity.ERROR,
    summary="A field the kind's schema requires is missing.",
    problem=SchemaProblemKind.REQUIRED,
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return schema_findings(RULE, mesh)
