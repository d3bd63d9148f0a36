"""A CRD validation rule meshlint cannot evaluate: the expression calls a function the
engine does not have (Kubernetes' `quantity()`, `ip()`, `cidr()`, `semver()`, `format` and
newer additions are not implemented), or does not compile. The API server will evaluate it,
so the field may still be refused: this finding says the check did not happen rather than
letting the rule pass in silence. It is reported once per rule and field.

The shipped Istio schemas have no such rule (a test keeps it so); it comes from CRDs given
with `--schemas`, or from a run where the CEL engine (`cel-expr-python`) is not installed.

## Bad

```yaml
# a resource of a CRD, imported with `meshlint schemas import`, whose rule is
# `quantity(self.memory).isLessThan(quantity('1Gi'))`
apiVersion: example.com/v1
kind: Cache
metadata: {name: c, namespace: shop}
spec: {memory: 512Mi}
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
    code="ML511",
    name="schema-rule-not-evaluated",
    severity=Severity.WARNING,
    summary="A CRD validation rule meshlint cannot evaluate (an unsupported CEL function).",
    # The bad example needs a user schema (--schemas): its golden case has one.
    examples_run=False,
)


def _word(resource: Resource, problem: RuleProblem) -> str:
    return f"{where(problem)}: {problem.message}"


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return problem_findings(RULE, mesh, Kind.RULE_NOT_EVALUATED, _word)
