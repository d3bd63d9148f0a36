"""A string that does not have the form its field requires: a `targetRef` group with upper
case letters, a label name with spaces, a RequestAuthentication `fromHeaders` name with a
colon.

The API server rejects the resource. The finding points at the value and shows the pattern
it must match.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  targetRefs:
  - group: Gateway.Networking.k8s.io
    kind: Gateway
    name: web
  action: ALLOW
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: allow-web
  namespace: shop
spec:
  targetRefs:
  - group: gateway.networking.k8s.io
    kind: Gateway
    name: web
  action: ALLOW
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
    code="ML506",
    name="schema-pattern",
    severity=Severity.ERROR,
    summary="A string that does not match the pattern its field requires.",
    problem=SchemaProblemKind.PATTERN,
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return schema_findings(RULE, mesh)
