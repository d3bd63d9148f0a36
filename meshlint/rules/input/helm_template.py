"""Helm templates are not manifests: their `{{ ... }}` actions are filled in by
`helm template`. Lint the rendered output instead: `helm template RELEASE CHART | meshlint -`.
The template file itself is not analysed.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata:
  name: {{ .Values.name }}
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
    code="ML002",
    name="helm-template",
    severity=Severity.ERROR,
    summary="A file is an unrendered Helm template.",
    problem=ProblemKind.HELM_TEMPLATE,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return reading_problems(RULE, mesh)
