"""Tags such as `!Ref` or `!!python/object` belong to other tools. meshlint never constructs
tagged values (that would run code); it reads the plain value and reports the tag, since the
API server would reject or misread it.

## Bad

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  region: !Ref Region
```

## Good

```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  region: eu-west-1
```
"""

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.problems import ProblemKind
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import reading_problems

RULE = Rule(
    code="ML005",
    name="yaml-tag",
    severity=Severity.WARNING,
    summary="A value carries a YAML tag that is not a Kubernetes type.",
    problem=ProblemKind.TAG,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return reading_problems(RULE, mesh)
