"""Kubernetes reads manifests as UTF-8. A UTF-16 file, a Latin-1 file or a binary file with a
`.yaml` name is reported at the first byte that cannot be decoded and is not analysed.
A UTF-8 byte-order mark is accepted.

## Bad

```yaml
# (a file saved as UTF-16 or Latin-1, or a binary file named .yaml)
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
    code="ML003",
    name="decode-error",
    severity=Severity.ERROR,
    examples_run=False,
    summary="A file is not UTF-8 text.",
    problem=ProblemKind.DECODE,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return reading_problems(RULE, mesh)
