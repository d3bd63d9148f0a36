"""The sidecar injector as the manifests describe it: its ConfigMaps (one per revision, with
the Helm values it was installed with) and its MutatingWebhookConfigurations. Without them in
the analysed files, Istio's default install is assumed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from meshlint.facts.ambient import workload_is_ambient
from meshlint.facts.graph import Mesh, Workload
from meshlint.facts.injection_labels import LEGACY, POD_INJECT, REVISION
from meshlint.facts.podspec import auto_image, has_proxy
from meshlint.facts.selectors import label_selector_matches
from meshlint.input.resources import K, Kind, Resource

__all__ = [
    "MUTATING_WEBHOOK",
    "InjectorValues",
    "in_data_plane",
    "injection_advice",
    "injector_values",
    "injector_webhooks",
    "istio_hooks",
    "would_inject",
]

MUTATING_WEBHOOK = Kind("admissionregistration.k8s.io", "MutatingWebhookConfiguration")
VALIDATING_WEBHOOK = Kind("admissionregistration.k8s.io", "ValidatingWebhookConfiguration")
INJECTOR_SUFFIX = "sidecar-injector.istio.io"
CONFIG_MAP_PREFIX = "istio-sidecar-injector"
ISTIO_WEBHOOK_PREFIXES = {
    MUTATING_WEBHOOK: "istio-sidecar-injector",
    VALIDATING_WEBHOOK: "istio-validator",
}


@dataclass(frozen=True, slots=True)
class InjectorValues:
    resource: Resource
    values: dict

    def get(self, *path: str) -> object:
        node: object = self.values
        for step in path:
            node = node.get(step) if isinstance(node, dict) else None
        return node

    @property
    def proxy_image(self) -> str | None:
        """The image the injector gives the istio-proxy container."""
        image = self.get("global", "proxy", "image")
        if not isinstance(image, str) or not image:
            return None
        if "/" in image:
            return image
        hub, tag = self.get("global", "hub"), self.get("global", "tag")
        if not isinstance(hub, str) or tag is None:
            return None
        return f"{hub}/{image}:{tag}"


def injector_values(mesh: Mesh, revision: str | None) -> InjectorValues | None:
    """The injector ConfigMap of a revision (None: the default one) and its parsed values."""
    name = CONFIG_MAP_PREFIX if not revision else f"{CONFIG_MAP_PREFIX}-{revision}"
    for config_map in mesh.of_type(K.CONFIG_MAP):
        if config_map.name != name:
            continue
        data = config_map.body.get("data")
        text = data.get("values") if isinstance(data, dict) else None
        if not isinstance(text, str):
            continue
        try:
            values = json.loads(text)
        except ValueError:
            continue
        if isinstance(values, dict):
            return InjectorValues(config_map, values)
    return None


def injects_by_default(mesh: Mesh) -> InjectorValues | None:
    """The injector's values when it injects namespaces without labels
    (``sidecarInjectorWebhook.enableNamespacesByDefault``), else None."""
    values = injector_values(mesh, None)
    if values is None:
        return None
    if values.get("sidecarInjectorWebhook", "enableNamespacesByDefault") is not True:
        return None
    return values


@dataclass(frozen=True, slots=True)
class Webhook:
    namespace_selector: object
    object_selector: object


# Istio's default injector webhooks: istio-discovery templates/mutatingwebhook.yaml, whose
# selectors revision-tags-mwc.yaml keeps in sync. `rev.namespace.` and `rev.object.` exist once
# per installed revision; the files rarely show which, so any non-empty revision is taken as
# installed (Exists + NotIn [""] is "a non-empty value").
_NO_OPT_OUT = {"key": POD_INJECT, "operator": "NotIn", "values": ["false"]}
_SOME_REVISION = [
    {"key": REVISION, "operator": "Exists"},
    {"key": REVISION, "operator": "NotIn", "values": [""]},
]
_NO_NAMESPACE_LABEL = [
    {"key": LEGACY, "operator": "DoesNotExist"},
    {"key": REVISION, "operator": "DoesNotExist"},
]
DEFAULT_WEBHOOKS = (
    # rev.namespace.: the namespace names a revision and has no istio-injection label.
    Webhook(
        {"matchExpressions": [*_SOME_REVISION, {"key": LEGACY, "operator": "DoesNotExist"}]},
        {"matchExpressions": [_NO_OPT_OUT]},
    ),
    # rev.object.: an unlabelled namespace, the pod names a revision.
    Webhook(
        {"matchExpressions": _NO_NAMESPACE_LABEL},
        {"matchExpressions": [_NO_OPT_OUT, *_SOME_REVISION]},
    ),
    # namespace.: istio-injection=enabled.
    Webhook(
        {"matchExpressions": [{"key": LEGACY, "operator": "In", "values": ["enabled"]}]},
        {"matchExpressions": [_NO_OPT_OUT]},
    ),
    # object.: an unlabelled namespace, the pod label sidecar.istio.io/inject: "true".
    Webhook(
        {"matchExpressions": _NO_NAMESPACE_LABEL},
        {
            "matchExpressions": [
                {"key": POD_INJECT, "operator": "In", "values": ["true"]},
                {"key": REVISION, "operator": "DoesNotExist"},
            ]
        },
    ),
)
# auto.: only with sidecarInjectorWebhook.enableNamespacesByDefault.
AUTO_WEBHOOK = Webhook(
    {
        "matchExpressions": [
            *_NO_NAMESPACE_LABEL,
            {
                "key": "kubernetes.io/metadata.name",
                "operator": "NotIn",
                "values": ["kube-system", "kube-public", "kube-node-lease", "local-path-storage"],
            },
        ]
    },
    {
        "matchExpressions": [
            {"key": POD_INJECT, "operator": "DoesNotExist"},
            {"key": REVISION, "operator": "DoesNotExist"},
        ]
    },
)


def injector_webhooks(mesh: Mesh) -> tuple[Webhook, ...]:
    """The injector webhooks of the files, else Istio's defaults (with ``auto.`` when the
    injector ConfigMap enables namespaces by default)."""
    found = [
        Webhook(hook.get("namespaceSelector"), hook.get("objectSelector"))
        for _, hook in webhooks(mesh, MUTATING_WEBHOOK)
        if str(hook.get("name", "")).endswith(INJECTOR_SUFFIX)
    ]
    if found:
        return tuple(found)
    if injects_by_default(mesh) is not None:
        return (*DEFAULT_WEBHOOKS, AUTO_WEBHOOK)
    return DEFAULT_WEBHOOKS


def webhooks(mesh: Mesh, kind: Kind) -> Iterator[tuple[Resource, dict]]:
    for config in mesh.of_type(kind):
        items = config.body.get("webhooks")
        for hook in items if isinstance(items, list) else ():
            if isinstance(hook, dict):
                yield config, hook


def istio_hooks(mesh: Mesh) -> Iterator[tuple[Resource, tuple[object, ...], dict]]:
    """``(configuration, path to clientConfig, clientConfig)`` of Istio's webhooks: those in
    the ``istio-sidecar-injector*`` and ``istio-validator*`` configurations."""
    for kind, prefix in ISTIO_WEBHOOK_PREFIXES.items():
        for config, hook in webhooks(mesh, kind):
            if not config.name.startswith(prefix):
                continue
            index = config.body["webhooks"].index(hook)
            client = hook.get("clientConfig")
            yield (
                config,
                ("webhooks", index, "clientConfig"),
                client if isinstance(client, dict) else {},
            )


def would_inject(mesh: Mesh, workload: Workload) -> bool:
    """Some injector webhook matches the workload's namespace and pod labels."""
    namespace = workload.resource.namespace
    ns_labels = dict(mesh.namespace_labels(namespace) or {}) if namespace else {}
    if namespace:
        ns_labels.setdefault("kubernetes.io/metadata.name", namespace)
    return any(
        label_selector_matches(hook.namespace_selector, ns_labels)
        and label_selector_matches(hook.object_selector, workload.labels)
        for hook in injector_webhooks(mesh)
    )


def in_data_plane(mesh: Mesh, workload: Workload) -> bool:
    """The workload's pods run in the mesh: an injector webhook injects them, the template
    already carries a real proxy (``istioctl kube-inject``; ``image: auto`` is not one), or
    they are ambient."""
    if has_proxy(workload.template) and auto_image(workload.template) is None:
        return True
    return would_inject(mesh, workload) or workload_is_ambient(mesh, workload)


def injection_advice(namespace_labels: Mapping[str, str] | None) -> str:
    """How to get a namespace's pods injected, given its labels (None: no Namespace in the
    files). Never ``istio-injection=disabled``: it stops every webhook, pod opt-ins included."""
    labels = namespace_labels or {}
    legacy, revision = labels.get(LEGACY), labels.get(REVISION)
    if legacy == "disabled":
        return (
            "label the namespace istio-injection=enabled or istio.io/rev=<revision> instead of "
            "istio-injection=disabled (no injector webhook matches a disabled namespace, "
            "whatever the pod says)"
        )
    if legacy is not None and legacy != "enabled":
        return f"set istio-injection=enabled on the namespace (not {legacy!r})"
    if revision == "":
        return (
            "give the namespace's istio.io/rev label a revision, or remove it (an empty "
            "istio.io/rev matches no injector webhook)"
        )
    return (
        "label the namespace istio-injection=enabled or istio.io/rev=<revision>, or the pods "
        'sidecar.istio.io/inject: "true" (a pod label: the annotation alone calls no webhook)'
    )


def webhook_revisions(hooks: list[tuple[Resource, dict]]) -> set[str]:
    """The revisions injector webhooks name: in their configuration's revision label, and in
    the ``istio.io/rev`` values their namespace and object selectors match on."""
    found = set()
    for config, hook in hooks:
        if config.labels.get(REVISION):
            found.add(config.labels[REVISION])
        for key in ("namespaceSelector", "objectSelector"):
            selector = hook.get(key)
            expressions = selector.get("matchExpressions") if isinstance(selector, dict) else None
            for item in expressions if isinstance(expressions, list) else ():
                values = item.get("values") if isinstance(item, dict) else None
                if isinstance(values, list) and item.get("key") == REVISION:
                    found.update(str(v) for v in values if v)
            labels = selector.get("matchLabels") if isinstance(selector, dict) else None
            if isinstance(labels, dict) and labels.get(REVISION):
                found.add(str(labels[REVISION]))
    return found
