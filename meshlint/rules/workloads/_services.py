"""Shared by the Service port rules (`service-port-name`, `service-app-protocol`,
`external-name-port-name`): which Services are Istio's own and so not the user's to fix."""

from __future__ import annotations

from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import is_system_namespace
from meshlint.input.resources import Resource

__all__ = ["istio_managed"]


def istio_managed(service: Resource, mesh: Mesh) -> bool:
    """System namespaces and Services that Istio's installers and controllers manage."""
    labels = service.labels
    return (
        is_system_namespace(service.namespace or "", mesh.settings)
        or "istio" in labels
        or labels.get("release") == "istio"
        or "gateway.istio.io/managed" in labels
    )
