"""An Istio annotation whose value the sidecar injector rejects.

The injector validates some annotations (ports, IP ranges, booleans, durations, the
interception mode, `proxy.istio.io/config`) before it injects the proxy. With a bad value the
injection webhook fails the Pod's admission, so the Deployment's new pods are never created
and the rollout stalls with nothing but an event to say why.

Values are read as `AnnotationValidation` in `pkg/kube/inject/validate.go` reads them, no
stricter and no looser: a port is 0 to 65535 (`status.sidecar.istio.io/port: "0"` disables the
status port), spaces around ports are trimmed, IP ranges need a `/bits` and no spaces, and
annotations the injector does not validate (`includeOutboundPorts`) are not checked.

## Bad

```yaml
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
  annotations:
    traffic.sidecar.istio.io/excludeOutboundPorts: "5432,redis"
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
    traffic.sidecar.istio.io/excludeOutboundPorts: "5432,6379"
spec:
  containers: [{name: api, image: api:1}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.annotations import ANNOTATED_KINDS, annotated_objects, lookup, value_error
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML603",
    name="annotation-invalid-value",
    severity=Severity.ERROR,
    summary="An Istio annotation value that the sidecar injector rejects.",
    kinds=ANNOTATED_KINDS,
    refs=("IST0125",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for obj in annotated_objects(mesh):
        for name, value in obj.annotations.items():
            entry = lookup(name)
            if entry is None or "value" not in entry or obj.kind not in entry["resources"]:
                continue
            error = value_error(name, value)
            if error:
                message = (
                    f"annotation {name!r} on {obj.where} has value {value!r}: {error}; the "
                    "injector refuses the pod until it is fixed"
                )
                yield report(RULE, obj.resource, (*obj.path, name), message)
