"""An Istio annotation on a kind of resource that Istio does not read it from.

Most sidecar annotations only work on the Pod, so on a Deployment they must sit in
`spec.template.metadata.annotations`; put on the Deployment's own metadata (or on a Namespace
or Service) they are silently ignored and the proxy keeps its defaults. Istio's registry says
which kinds each annotation applies to; pod templates count as Pods.

## Bad

```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    sidecar.istio.io/proxyCPU: 500m
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
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
      labels: {app: api}
      annotations:
        sidecar.istio.io/proxyCPU: 500m
    spec:
      containers: [{name: api, image: api:1}]
```

## Differences from Istio and Kiali

Annotations in pod templates are checked as Pod annotations (Istio only reads the metadata
of Pods, Deployments, Services and Namespaces), so an annotation misplaced in a
Deployment's template is found before any pod exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.annotations import ANNOTATED_KINDS, istio_annotations
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML601",
    name="annotation-misplaced",
    severity=Severity.WARNING,
    summary="An Istio annotation on a kind of resource Istio does not read it from.",
    kinds=ANNOTATED_KINDS,
    refs=("IST0107",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for obj, name, entry in istio_annotations(mesh):
        if entry is None or "Any" in entry["resources"] or obj.kind in entry["resources"]:
            continue
        kinds = ", ".join(entry["resources"])
        hint = ""
        if entry["resources"] == ["Pod"] and obj.resource.pod_template() is not None:
            hint = "; move it to spec.template.metadata.annotations"
        message = (
            f"annotation {name!r} on {obj.where} is ignored there: Istio reads it only "
            f"from {kinds}{hint}"
        )
        path = (*obj.path, name)
        yield report(RULE, obj.resource, path, message, at=obj.key_position(name))
