"""A suppression that silences nothing, or names a rule that does not exist.

Suppressions outlive the problems they were written for: the route is fixed, the comment
stays, and months later it hides a new, real problem on the same line. A misspelled rule name
is worse: it looks like a suppression and silences nothing from the first day. The engine
reports every `# meshlint: disable...` comment and `meshlint.io/ignore` annotation whose rule
ran without producing a finding there, and every one that names no rule. Istio's and Kiali's
annotations are left alone: those tools read them too.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
  annotations:
    meshlint.io/ignore: "dangling-subst"
spec:
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
        # the subset is created by the rollout controller, outside these files
        subset: canary  # meshlint: disable=dangling-subset
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule

RULE = Rule(
    code="ML901",
    name="unused-suppression",
    severity=Severity.WARNING,
    summary="A suppression comment or annotation that silences nothing or names no rule.",
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    """Nothing to look for here: the engine's suppression stage reports these."""
    return iter(())
