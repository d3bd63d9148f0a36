"""The sidecar injector as the manifests describe it: its ConfigMaps (one per revision, with
the Helm values it was installed with) and its MutatingWebhookConfigurations. Without them in
the analysed files, Istio's default install is assumed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from meshlint.graph import Mesh, Workload
from meshlint.injection import LEGACY, POD_INJECT, REVISION
from meshlint.model import K, Kind, Resource
from meshlint.podspec import match_selector

__all__ = [
    "MUTATING_WEBHOOK",
    "InjectorValues",
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


# Istio's default injector webhooks (the istiod chart, default revision).
DEFAULT_WEBHOOKS = (
    Webhook(
        {"matchExpressions": [{"key": LEGACY, "operator": "In", "values": ["enabled"]}]},
        {"matchExpressions": [{"key": POD_INJECT, "operator": "NotIn", "values": ["false"]}]},
    ),
    Webhook(
        {
            "matchExpressions": [
                {"key": LEGACY, "operator": "DoesNotExist"},
                {"key": REVISION, "operator": "Exists"},
            ]
        },
        {"matchExpressions": [{"key": POD_INJECT, "operator": "NotIn", "values": ["false"]}]},
    ),
    Webhook(
        {
            "matchExpressions": [
                {"key": LEGACY, "operator": "DoesNotExist"},
                {"key": REVISION, "operator": "DoesNotExist"},
            ]
        },
        {"matchExpressions": [{"key": POD_INJECT, "operator": "In", "values": ["true"]}]},
    ),
)


def injector_webhooks(mesh: Mesh) -> tuple[Webhook, ...]:
    found = [
        Webhook(hook.get("namespaceSelector"), hook.get("objectSelector"))
        for _, hook in webhooks(mesh, MUTATING_WEBHOOK)
        if str(hook.get("name", "")).endswith(INJECTOR_SUFFIX)
    ]
    return tuple(found) or DEFAULT_WEBHOOKS


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
        match_selector(hook.namespace_selector, ns_labels)
        and match_selector(hook.object_selector, workload.labels)
        for hook in injector_webhooks(mesh)
    )
