"""Istio's sidecar-injector webhooks overlap, or point at a control-plane Service that does not
exist.

When two injector webhooks (of two revisions, or a leftover configuration) match the same
namespace and pod labels, both inject: pods get two proxies or fail admission. A webhook whose
`clientConfig.service` names a missing Service fails every pod creation it matches (with
`failurePolicy: Fail`) or silently skips injection. Overlap is checked for every combination
of the labels that select injection (`istio-injection`, `istio.io/rev`,
`sidecar.istio.io/inject`). A Service is reported missing only when the analysed files declare
Services in its namespace, since the control plane usually comes from Istio's charts.

## Bad

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector}
webhooks:
- name: namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod, namespace: istio-system}}
  namespaceSelector: {matchLabels: {istio-injection: enabled}}
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector-old}
webhooks:
- name: namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod, namespace: istio-system}}
  namespaceSelector: {matchLabels: {istio-injection: enabled}}
```

## Good

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector}
webhooks:
- name: namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod, namespace: istio-system}}
  namespaceSelector: {matchLabels: {istio-injection: enabled}}
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod-canary, namespace: istio-system}}
  namespaceSelector:
    matchExpressions:
    - {key: istio-injection, operator: DoesNotExist}
    - {key: istio.io/rev, operator: In, values: [canary]}
```

## Differences from Istio and Kiali

A webhook's missing Service is reported only when the analysed files define other Services
in that namespace (istiod usually comes from Istio's charts, outside the repository);
Istio's analyzer (IST0139) sees the live cluster. Declared `known-hosts` are respected.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import LEGACY, POD_INJECT, REVISION
from meshlint.facts.injector import INJECTOR_SUFFIX, MUTATING_WEBHOOK, webhook_revisions, webhooks
from meshlint.facts.selectors import label_selector_matches
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, quoted_list, report

RULE = Rule(
    code="ML806",
    name="injector-webhook-overlap",
    severity=Severity.ERROR,
    summary="Overlapping sidecar-injector webhooks, or one that names a missing Service.",
    kinds=("MutatingWebhookConfiguration",),
    refs=("IST0139",),
)


def _label_sets(options: dict[str, list[str | None]]) -> Iterator[dict[str, str]]:
    keys = list(options)
    for values in itertools.product(*(options[k] for k in keys)):
        yield {k: v for k, v in zip(keys, values, strict=True) if v is not None}


def _overlaps(hooks: list) -> dict[int, set[str]]:
    revisions = sorted(webhook_revisions(hooks))
    namespaces = {LEGACY: [None, "enabled", "disabled"], REVISION: [None, *revisions]}
    pods = {POD_INJECT: [None, "true", "false"], REVISION: [None, *revisions]}
    found: dict[int, set[str]] = {}
    for ns_labels in _label_sets(namespaces):
        for pod_labels in _label_sets(pods):
            matched = [
                (config, hook)
                for config, hook in hooks
                if label_selector_matches(hook.get("namespaceSelector"), ns_labels)
                and label_selector_matches(hook.get("objectSelector"), pod_labels)
            ]
            if len(matched) > 1:
                for _, hook in matched:
                    others = {f"{c.name}/{h.get('name')}" for c, h in matched if h is not hook}
                    found.setdefault(id(hook), set()).update(others)
    return found


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    hooks = [
        (config, hook)
        for config, hook in webhooks(mesh, MUTATING_WEBHOOK)
        if str(hook.get("name", "")).endswith(INJECTOR_SUFFIX)
    ]
    overlaps = _overlaps(hooks)
    service_namespaces = {s.namespace for s in mesh.of_type(K.SERVICE)}
    for config, hook in hooks:
        index = config.body["webhooks"].index(hook)
        base = ("webhooks", index)
        if id(hook) in overlaps:
            others = quoted_list(overlaps[id(hook)], quote=False)
            message = (
                f"injector webhook {hook.get('name')!r} of {config.display} matches the same "
                f"namespaces and pods as {others}; pods would be injected twice. Remove the "
                "stale configuration or make the selectors exclusive"
            )
            yield report(RULE, config, (*base, "name"), message)
        client = hook.get("clientConfig")
        service = client.get("service") if isinstance(client, dict) else None
        if not isinstance(service, dict):
            continue
        name, namespace = service.get("name"), service.get("namespace")
        if not isinstance(name, str) or not isinstance(namespace, str):
            continue
        if namespace not in service_namespaces or mesh.get(K.SERVICE, namespace, name):
            continue
        if mesh.is_known_host([mesh.cluster_fqdn(name, namespace)]):
            continue
        message = (
            f"injector webhook {hook.get('name')!r} of {config.display} calls Service "
            f"{namespace}/{name}, which the analysed files do not define (they define other "
            f"Services in {namespace!r}); injection fails until it exists"
        )
        yield report(RULE, config, (*base, "clientConfig", "service", "name"), message)
