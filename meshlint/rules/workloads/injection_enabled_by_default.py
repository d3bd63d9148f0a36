"""A namespace without injection labels gets sidecars anyway: the injector is installed with
`enableNamespacesByDefault`.

With `sidecarInjectorWebhook.enableNamespacesByDefault: true`, every namespace that does not
opt out is injected. That is easy to forget: workloads that were never meant to be in the mesh
(jobs, databases, operators) get a proxy, and their traffic is suddenly subject to mTLS and
policies. Label such namespaces explicitly, `istio-injection=enabled` or `disabled`, so the
intent is visible. Read from the `istio-sidecar-injector` ConfigMap in the analysed files.

## Bad

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector, namespace: istio-system}
data:
  values: '{"sidecarInjectorWebhook": {"enableNamespacesByDefault": true}}'
---
apiVersion: v1
kind: Namespace
metadata: {name: batch}
```

## Good

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector, namespace: istio-system}
data:
  values: '{"sidecarInjectorWebhook": {"enableNamespacesByDefault": true}}'
---
apiVersion: v1
kind: Namespace
metadata:
  name: batch
  labels: {istio-injection: disabled}
```

## Differences from Istio and Kiali

`enableNamespacesByDefault` is read from the `istio-sidecar-injector` ConfigMap in the
files. The injector webhooks are the MutatingWebhookConfigurations in the files, or
Istio's default injector webhooks when there are none.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import LEGACY, injection_labels, is_system_namespace
from meshlint.facts.injector import injects_by_default
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML418",
    name="injection-enabled-by-default",
    severity=Severity.INFO,
    summary="A namespace without injection labels that the injector injects by default.",
    kinds=("Namespace",),
    refs=("IST0148",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    values = injects_by_default(mesh)
    if values is None:
        return
    source = related(values.resource, ("data", "values"), "enableNamespacesByDefault is set here")
    for namespace in mesh.of_type(K.NAMESPACE):
        if is_system_namespace(namespace.name, mesh.settings):
            continue
        if LEGACY in namespace.labels or injection_labels(namespace.labels):
            continue
        message = (
            f"namespace {namespace.name!r} has no injection label, and the injector injects "
            "such namespaces by default (enableNamespacesByDefault); label it "
            "istio-injection=enabled or disabled to make the intent explicit"
        )
        path = ("metadata", "labels") if namespace.labels else ("metadata", "name")
        yield report(RULE, namespace, path, message, [source])
