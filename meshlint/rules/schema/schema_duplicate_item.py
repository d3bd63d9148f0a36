"""Two items of a list are the same where the CRD says the list holds each item once:
`x-kubernetes-list-type: set` (no equal items) or `map` with `x-kubernetes-list-map-keys`
(no two items with the same key). The API server refuses the resource with "Duplicate value".

Istio's CRDs key a ServiceEntry's `ports` by `name`, a WasmPlugin's `match[].ports` by
`number` and its `vmConfig.env` by `name`; CRDs given with `--schemas` may use sets too. The
finding points at the second item's key.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api.example.com]
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  - {number: 8443, name: https, protocol: HTTPS}
  resolution: DNS
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api.example.com]
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  - {number: 8443, name: https-alt, protocol: HTTPS}
  resolution: DNS
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import Resource
from meshlint.rules.base import Rule
from meshlint.rules.schema.validation_base import problem_findings, where
from meshlint.schemas.structural import Kind, RuleProblem

RULE = Rule(
    code="ML510",
    name="schema-duplicate-item",
    severity=Severity.ERROR,
    summary="A repeated item (or item key) in a list the CRD declares a set or a map.",
    # no kinds: a user schema (--schemas) may add rules for any kind, so it runs on every mesh
    refs=("IST0106",),
)


def _word(resource: Resource, problem: RuleProblem) -> str:
    return f"{where(problem)}: {problem.message}"


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return problem_findings(RULE, mesh, Kind.DUPLICATE_ITEM, _word)
