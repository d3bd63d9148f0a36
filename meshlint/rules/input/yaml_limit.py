"""meshlint reads untrusted input in CI. An alias bomb ("billion laughs"), a file with
thousands of documents or nesting thousands of levels deep is refused with this finding instead
of exhausting memory or time; the rest of the run goes on. The limits can be raised.

## Bad

```yaml
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
```

## Good

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: small
data:
  key: value
```
"""

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.problems import ProblemKind
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import reading_problems

RULE = Rule(
    code="ML006",
    name="yaml-limit",
    severity=Severity.ERROR,
    summary="A file exceeds a safety limit (size, documents, nodes or depth).",
    problem=ProblemKind.LIMIT,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return reading_problems(RULE, mesh)
