"""An Istio annotation whose feature is still Alpha.

Alpha annotations may change meaning or disappear in any minor release without the usual
deprecation period, so an upgrade can silently change how the proxy behaves. This is
informational: use them knowingly and re-check them at each upgrade. Annotations that Istio
itself writes (`sidecar.istio.io/status`, `istio.io/rev`, ...) and the ones istio-cni sets by
default on pods it has processed are not reported.

## Bad

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
  annotations:
    sidecar.istio.io/bootstrapOverride: custom-bootstrap
spec:
  containers: [{name: api, image: api:1}]
```

## Good

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
  annotations:
    proxy.istio.io/config: |
      concurrency: 2
spec:
  containers: [{name: api, image: api:1}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.annotations import ANNOTATED_KINDS, istio_annotations
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML605",
    name="annotation-alpha",
    severity=Severity.INFO,
    summary="An Istio annotation whose feature status is Alpha.",
    kinds=ANNOTATED_KINDS,
    refs=("IST0136",),
)

# Written by Istio's own controllers and injector, not by users.
SYSTEM_SET = frozenset(
    {
        "sidecar.istio.io/status",
        "gateway.istio.io/controller-version",
        "istio.io/rev",
        "ambient.istio.io/redirection",
    }
)
# Set by istio-cni on every pod it has processed (recognised by its istio-validation init
# container).
CNI_SET = frozenset(
    {
        "sidecar.istio.io/interceptionMode",
        "traffic.sidecar.istio.io/excludeInboundPorts",
        "traffic.sidecar.istio.io/includeInboundPorts",
        "traffic.sidecar.istio.io/includeOutboundIPRanges",
    }
)


def _cni_processed(template: dict | None) -> bool:
    spec = template.get("spec") if isinstance(template, dict) else None
    inits = spec.get("initContainers") if isinstance(spec, dict) else None
    if not isinstance(inits, list):
        return False
    return any(isinstance(c, dict) and c.get("name") == "istio-validation" for c in inits)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for obj, name, entry in istio_annotations(mesh):
        if entry is None or entry["status"] != "Alpha" or name in SYSTEM_SET:
            continue
        if name in CNI_SET and _cni_processed(obj.template):
            continue
        message = (
            f"annotation {name!r} on {obj.where} is an Alpha feature: it may change or "
            "be removed in any Istio release; re-check it at each upgrade"
        )
        path = (*obj.path, name)
        yield report(RULE, obj.resource, path, message, at=obj.key_position(name))
