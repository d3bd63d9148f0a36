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

from meshlint.findings import Severity
from meshlint.rules.base import Rule
from meshlint.rules.input.reading import problems_of

RULE = Rule(
    code="ML002",
    name="helm-template",
    severity=Severity.ERROR,
    summary="A file is an unrendered Helm template.",
)

check = problems_of(RULE)
