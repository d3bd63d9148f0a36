"""A namespace carries more than one injection label at once.

`istio-injection=enabled`, `istio.io/rev` and `istio.io/dataplane-mode=ambient` each select a
data plane (`istio-injection=disabled` selects none, so it conflicts with nothing). With more
than one, which one wins depends on the Istio version and the webhook configuration
(`istio-injection` takes precedence over `istio.io/rev` for the sidecar injector), so a
revision upgrade or an ambient migration silently does not happen. Keep exactly one.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio-injection: enabled
    istio.io/rev: canary
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/rev: canary
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import injection_labels
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML403",
    name="injection-conflicting-labels",
    severity=Severity.WARNING,
    summary="More than one injection label (istio-injection, istio.io/rev, ambient) at once.",
    kinds=("Namespace",),
    refs=("IST0123",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for namespace in mesh.of_type(K.NAMESPACE):
        found = injection_labels(namespace.labels)
        if len(found) < 2:
            continue
        shown = ", ".join(f"{key}={namespace.labels[key]}" for key in found)
        message = (
            f"namespace {namespace.name!r} has {len(found)} injection labels ({shown}); the "
            "data plane it gets depends on precedence rules, not on intent. Keep exactly one"
        )
        yield report(RULE, namespace, ("metadata", "labels", found[1]), message)
