"""kustomize merges a strategic-merge patch into a built-in kind by the list keys Kubernetes
declares (containers by `name`), but a custom resource such as a DestinationRule or a
VirtualService has none: a list in the patch replaces the whole list. An overlay that means
to add subset `v2` leaves only `v2`, and every route to `v1` gets 503 in that environment
alone, while the base and the other overlays look right. meshlint compares the rendered
overlay with the base file and reports the patch's list, naming what was dropped.

## Bad

```yaml
# overlays/staging/reviews-patch.yaml (the base defines subset v1)
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  subsets:
  - {name: v2, labels: {version: v2}}
```

## Good

```yaml
# overlays/staging/reviews-patch.yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
```
"""

from meshlint.findings import Severity
from meshlint.layout import NoteKind
from meshlint.rules.base import Rule
from meshlint.rules.input.layout_notes import reported_by_engine

RULE = Rule(
    code="ML014",
    name="kustomize-list-replaced",
    severity=Severity.WARNING,
    summary="A kustomize patch replaces a whole list of a custom resource, dropping items.",
    problem=NoteKind.LIST_REPLACED,
    examples_run=False,
)

check = reported_by_engine
