"""A kustomization or Helm chart that its renderer refuses cannot be applied, and nothing in
it can be checked. The finding carries the renderer's own message (`kustomize build`,
`kubectl kustomize` or `helm template`, run offline with a time limit); the rest of the run
goes on.

## Bad

```yaml
# overlays/prod/kustomization.yaml
resources: [../../base]
patches:
- path: missing-patch.yaml
```

## Good

```yaml
# overlays/prod/kustomization.yaml
resources: [../../base]
patches:
- path: reviews-patch.yaml
```
"""

from meshlint.findings import Severity
from meshlint.layout import NoteKind
from meshlint.rules.base import Rule
from meshlint.rules.input.layout_notes import reported_by_engine

RULE = Rule(
    code="ML012",
    name="render-failed",
    severity=Severity.ERROR,
    summary="A kustomization or Helm chart could not be rendered; the renderer says why.",
    problem=NoteKind.RENDER_FAILED,
    examples_run=False,
)

check = reported_by_engine
