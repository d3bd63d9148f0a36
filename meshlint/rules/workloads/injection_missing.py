"""A namespace that is not a system namespace has no sidecar-injection or ambient label.

Without `istio-injection=enabled`, `istio.io/rev=<revision>` or
`istio.io/dataplane-mode=ambient`, pods in the namespace start without a proxy: they are
outside the mesh, get no mTLS, and every VirtualService and AuthorizationPolicy aimed at them
is silently ignored. A namespace that opts out on purpose says so with
`istio-injection=disabled` and is not reported here. System namespaces (`kube-*`,
`istio-system`, `istio-operator` by default) are skipped; the list is configurable. When the
injector in the analysed files injects every namespace by default
(`enableNamespacesByDefault`), `injection-enabled-by-default` reports such namespaces instead.

Pods labelled `sidecar.istio.io/inject: "true"` in an unlabelled namespace are injected by the
injector's `object.` webhook (istio-discovery `templates/mutatingwebhook.yaml`): that is how
Istio's gateway Helm chart runs in `istio-ingress`. A namespace whose workloads in the files
all get a proxy that way is not reported, and the advice never suggests
`istio-injection=disabled` where a workload opts in (it would stop that webhook and leave a
gateway on `image: auto`). An empty `istio.io/rev` matches no webhook and is reported.

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

## Fix

Adds `istio-injection: enabled` to the namespace's labels, or `istio.io/rev: <revision>` when
the `revision` option names one. Only a namespace with no injection label at all is fixed:
an unknown `istio-injection` value or an empty revision is left for a person to choose, and
so is a namespace where some workloads opt in by their pod labels.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.config.options import TEXT, rule_option
from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import LEGACY, REVISION, injection_labels, is_system_namespace
from meshlint.facts.injector import in_data_plane, injects_by_default
from meshlint.findings import Finding, Fix, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Edit, FixSafety, Rule, fix_for, quoted_list, report

RULE = Rule(
    code="ML401",
    name="injection-missing",
    severity=Severity.WARNING,
    summary="A namespace without sidecar-injection or ambient labels.",
    kinds=("Namespace",),
    refs=("IST0102",),
    options=(
        rule_option(
            "revision", "", TEXT, "the revision the fix labels namespaces with (istio.io/rev)"
        ),
    ),
    fix=FixSafety.SAFE,
)


def fix(namespace: Resource, revision: str) -> Fix | None:
    """Label the namespace for injection: the configured revision, else istio-injection."""
    key, value = (REVISION, revision) if revision else (LEGACY, "enabled")
    metadata = namespace.body.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("labels"), dict):
        edit = Edit("insert", ("metadata", "labels"), value, key)
    elif isinstance(metadata, dict) and "labels" not in metadata:
        edit = Edit("insert", ("metadata",), {key: value}, "labels")
    else:
        return None
    return fix_for(namespace, f"label the namespace {key}={value}", edit)


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
        workloads = mesh.workloads_in(namespace.name)
        meshed = [w.resource.name for w in workloads if in_data_plane(mesh, w)]
        if workloads and len(meshed) == len(workloads):
            continue
        path = ("metadata", "labels") if labels else ("metadata", "name")
        repair = None
        if legacy is not None:
            path = ("metadata", "labels", LEGACY)
            message = (
                f"namespace {namespace.name!r} has istio-injection={legacy!r}, which Istio does "
                "not recognise, so its pods get no sidecar (no injector webhook matches it); "
                "use 'enabled' or 'disabled'"
            )
        elif REVISION in labels:
            path = ("metadata", "labels", REVISION)
            message = (
                f'namespace {namespace.name!r} has istio.io/rev: "", which matches no injector '
                "webhook and also keeps pods from opting in, so its pods get no sidecar; set "
                "it to a revision or remove it"
            )
        elif meshed:
            outside = [w.resource.name for w in workloads if w.resource.name not in meshed]
            message = (
                f"namespace {namespace.name!r} has no injection label: {quoted_list(meshed)} "
                "get a sidecar by their own pod labels, but "
                f"{quoted_list(outside)} start without one and are outside the mesh; label "
                'those pods sidecar.istio.io/inject: "true", or the namespace '
                "istio-injection=enabled or istio.io/rev=<revision> (not "
                "istio-injection=disabled: it stops the pod labels from working)"
            )
        else:
            repair = fix(namespace, str(options.get("revision") or ""))
            message = (
                f"namespace {namespace.name!r} has no injection label, so its pods start without "
                "a sidecar and are outside the mesh; add istio-injection=enabled, "
                "istio.io/rev=<revision> or istio.io/dataplane-mode=ambient, or label the pods "
                'sidecar.istio.io/inject: "true" (istio-injection=disabled opts out on purpose, '
                "but also stops every pod from opting in, gateways on image: auto included)"
            )
        yield report(RULE, namespace, path, message, fix=repair)
