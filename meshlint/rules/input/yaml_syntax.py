"""A file that is not valid YAML cannot be applied at all, and every resource after the
error is invisible to the rest of the analysis. The finding points at the place the parser
stopped; the documents before it are still analysed.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
   namespace: shop
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
```
"""

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.problems import ProblemKind
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import reading_problems

RULE = Rule(
    code="ML001",
    name="yaml-syntax",
    severity=Severity.ERROR,
    summary="A file is not valid YAML.",
    problem=ProblemKind.SYNTAX,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return reading_problems(RULE, mesh)
