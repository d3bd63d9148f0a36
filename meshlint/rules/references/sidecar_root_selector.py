"""A Sidecar in the root namespace has a `workloadSelector`.

A selector-less Sidecar in the mesh root namespace (`istio-system` unless the mesh config says
otherwise) is the mesh-wide default for every namespace without its own Sidecar. Adding a
`workloadSelector` turns it into a plain workload-level Sidecar for pods of the root namespace
only: the mesh-wide default silently disappears, and pods elsewhere are not selected either.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec:
  workloadSelector: {labels: {app: reviews}}
  egress: [{hosts: ["./*", "istio-system/*"]}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec:
  egress: [{hosts: ["./*", "istio-system/*"]}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import selection
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML155",
    name="sidecar-root-selector",
    severity=Severity.WARNING,
    summary="A Sidecar in the root namespace with a workloadSelector is not a mesh default.",
    kinds=("Sidecar",),
    refs=("KIA1006",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    config = mesh.mesh_config
    for sidecar in mesh.of_type(K.SIDECAR):
        if sidecar.namespace != mesh.root_namespace:
            continue
        chosen = selection(mesh, sidecar)
        if chosen.labels is None:
            continue
        message = (
            f"this Sidecar is in the root namespace {mesh.root_namespace!r} (from "
            f"{config.describe()}) but has a workloadSelector, so it is not the mesh-wide "
            "default: it only configures matching pods of that namespace. Remove the selector "
            "for a mesh default, or move the Sidecar to the workload's namespace"
        )
        yield report(RULE, sidecar, ("spec", "workloadSelector"), message)
