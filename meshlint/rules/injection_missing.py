"""A namespace that is not a system namespace has no sidecar-injection or ambient label.

Without `istio-injection=enabled`, `istio.io/rev=<revision>` or
`istio.io/dataplane-mode=ambient`, pods in the namespace start without a proxy: they are
outside the mesh, get no mTLS, and every VirtualService and AuthorizationPolicy aimed at them
is silently ignored. A namespace that opts out on purpose says so with
`istio-injection=disabled` and is not reported here. System namespaces (`kube-*`,
`istio-system`, `istio-operator` by default) are skipped; the list is configurable. When the
injector in the analysed files injects every namespace by default
(`enableNamespacesByDefault`), `injection-enabled-by-default` reports such namespaces instead.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: storefront
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: storefront
    istio.io/rev: stable
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.injection import LEGACY, injection_labels, is_system_namespace
from meshlint.injector import injects_by_default
from meshlint.model import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML401",
    name="injection-missing",
    severity=Severity.WARNING,
    summary="A namespace without sidecar-injection or ambient labels.",
    kinds=("Namespace",),
    refs=("IST0102",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    if injects_by_default(mesh) is not None:
        return
    for namespace in mesh.of_type(K.NAMESPACE):
        if is_system_namespace(namespace.name, mesh.settings):
            continue
        labels = namespace.labels
        legacy = labels.get(LEGACY)
        if legacy in ("enabled", "disabled") or set(injection_labels(labels)) - {LEGACY}:
            continue
        path = ("metadata", "labels") if labels else ("metadata", "name")
        if legacy is not None:
            path = ("metadata", "labels", LEGACY)
            message = (
                f"namespace {namespace.name!r} has istio-injection={legacy!r}, which Istio does "
                "not recognise, so its pods get no sidecar; use 'enabled' or 'disabled'"
            )
        else:
            message = (
                f"namespace {namespace.name!r} has no injection label, so its pods start without "
                "a sidecar and are outside the mesh; add istio-injection=enabled, "
                "istio.io/rev=<revision> or istio.io/dataplane-mode=ambient (or "
                "istio-injection=disabled to opt out on purpose)"
            )
        yield report(RULE, namespace, path, message)
