"""A path that cannot be read is reported rather than silently skipped, so a typo in a CI
command does not turn the gate into a pass.

## Bad

```yaml
# (a path that does not exist, or a file without read permission)
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
```
"""

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.problems import ProblemKind
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import reading_problems

RULE = Rule(
    code="ML007",
    name="unreadable-file",
    severity=Severity.ERROR,
    examples_run=False,
    summary="A file or directory named on the command line cannot be read.",
    problem=ProblemKind.UNREADABLE,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return reading_problems(RULE, mesh)
