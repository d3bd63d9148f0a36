"""An annotation in one of Istio's domains (`*.istio.io/...`) that Istio does not know.

Istio silently ignores annotations it does not recognise, so a typo such as
`sidecar.istio.io/proxyCpu` or `networking.istio.io/exportto` leaves the workload with the
default it was meant to override, and nothing in the cluster says so. Names are checked
against Istio's own registry of annotations, which meshlint ships. A name that Istio knows as
a label, not an annotation, is reported with that hint.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata:
  name: billing
  namespace: finance
  annotations:
    networking.istio.io/exportToo: "."
spec:
  ports: [{name: http, port: 80}]
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata:
  name: billing
  namespace: finance
  annotations:
    networking.istio.io/exportTo: "."
spec:
  ports: [{name: http, port: 80}]
```

## Differences from Istio and Kiali

Annotations in pod templates are checked as Pod annotations (Istio only reads the metadata
of Pods, Deployments, Services and Namespaces), so a misspelt annotation in a Deployment's
template is found before any pod exists.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.annotations import (
    ANNOTATED_KINDS,
    annotation_names,
    istio_annotations,
    lookup_label,
)
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report, suggest

RULE = Rule(
    code="ML602",
    name="annotation-unknown",
    severity=Severity.WARNING,
    summary="An Istio-domain annotation that is not in Istio's registry.",
    kinds=ANNOTATED_KINDS,
    refs=("IST0108",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for obj, name, entry in istio_annotations(mesh):
        if entry is not None:
            continue
        if lookup_label(name) is not None:
            hint = f"; {name!r} is a label in Istio, move it to the labels"
        else:
            hint = suggest(name, annotation_names()) or "; Istio ignores it"
        message = f"annotation {name!r} on {obj.where} is not an Istio annotation{hint}"
        path = (*obj.path, name)
        yield report(RULE, obj.resource, path, message, at=obj.key_position(name))
