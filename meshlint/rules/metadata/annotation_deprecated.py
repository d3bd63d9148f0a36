"""An Istio annotation that Istio has deprecated.

Deprecated annotations keep working for a while and are then removed, at which point the
setting silently stops applying. The registry marks them; the most common one,
`sidecar.istio.io/inject` as an annotation, has been replaced by the label of the same name.
A pod that sets both (to support older control planes) is not reported.

## Bad

```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
      annotations:
        sidecar.istio.io/inject: "true"
    spec:
      containers: [{name: api, image: api:1}]
```

## Good

```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api, sidecar.istio.io/inject: "true"}
    spec:
      containers: [{name: api, image: api:1}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.annotations import ANNOTATED_KINDS, istio_annotations
from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import POD_INJECT
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML604",
    name="annotation-deprecated",
    severity=Severity.INFO,
    summary="An Istio annotation that Istio has deprecated.",
    kinds=ANNOTATED_KINDS,
    refs=("IST0135",),
)

REPLACEMENTS = {POD_INJECT: f"the {POD_INJECT!r} label"}


def _labels(obj) -> dict:
    metadata = obj.template.get("metadata") if isinstance(obj.template, dict) else None
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    return labels if isinstance(labels, dict) else obj.resource.labels


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for obj, name, entry in istio_annotations(mesh):
        if entry is None or not entry["deprecated"]:
            continue
        if name == POD_INJECT and POD_INJECT in _labels(obj):
            continue
        instead = REPLACEMENTS.get(name)
        advice = f"use {instead} instead" if instead else "remove it or find its replacement"
        message = f"annotation {name!r} on {obj.where} is deprecated; {advice}"
        path = (*obj.path, name)
        yield report(RULE, obj.resource, path, message, at=obj.key_position(name))
