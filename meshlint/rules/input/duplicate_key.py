"""YAML forbids duplicate keys, but kubectl silently keeps the last one, so half of what
the author wrote is dropped without a word. The finding points at the second key.

Two manifests joined without a `---` line between them (`cat a.yaml b.yaml`) read as one
mapping that repeats `apiVersion`, `kind` and more: that is one finding, where the second
manifest starts, saying that the separator is probably missing.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
  name: ratings
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata:
  name: reviews
```
"""

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.problems import ProblemKind
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import reading_problems

RULE = Rule(
    code="ML004",
    name="duplicate-key",
    severity=Severity.ERROR,
    summary="A mapping has the same key twice.",
    problem=ProblemKind.DUPLICATE_KEY,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return reading_problems(RULE, mesh)
