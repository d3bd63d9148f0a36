"""A kustomization or Helm chart is linted as what it renders to, never as its sources
(a patch is not a resource). When it cannot be rendered here (no renderer on `PATH`,
`--no-render`, a remote base meshlint does not fetch, a chart whose dependencies are not
vendored, a feature that would run code), its sources are not analysed, and this says so
once, with the command that renders it for meshlint: the run stays honest about what it did
not look at.

## Bad

```yaml
# overlays/prod/kustomization.yaml, on a machine without kustomize or kubectl
resources: [../../base]
```

## Good

```yaml
# rendered first: kubectl kustomize overlays/prod | meshlint -
resources: [../../base]
```
"""

from meshlint.findings import Severity
from meshlint.layout import NoteKind
from meshlint.rules.base import Rule
from meshlint.rules.input.layout_notes import reported_by_engine

RULE = Rule(
    code="ML013",
    name="not-rendered",
    severity=Severity.INFO,
    summary="A kustomization or Helm chart (or part of one) was not rendered, so not analysed.",
    problem=NoteKind.NOT_RENDERED,
    examples_run=False,
)

check = reported_by_engine
