"""A string, list or map longer or shorter than its field allows: an empty `hosts` list
where one is required, more than the allowed number of `credentialNames` or `targetRefs`,
a label value over 63 characters.

The API server rejects the resource. The finding points at the field and gives the size it
has and the bound it breaks.

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
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [web.example.com]
    tls:
      mode: SIMPLE
      credentialNames: [web-rsa, web-ecdsa, web-old]
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
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [web.example.com]
    tls:
      mode: SIMPLE
      credentialNames: [web-rsa, web-ecdsa]
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
    code="ML507",
    name="schema-length",
    severity=Severity.ERROR,
    summary="A string, list or map shorter or longer than its field allows.",
    problem=SchemaProblemKind.LENGTH,
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return schema_findings(RULE, mesh)
