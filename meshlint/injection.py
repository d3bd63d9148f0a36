"""How a namespace asks for the data plane: the labels Istio reads, in one place."""

from __future__ import annotations

from collections.abc import Mapping

from meshlint.globs import glob_matcher
from meshlint.settings import Settings

__all__ = ["INJECTION_LABELS", "injection_labels", "is_system_namespace", "pod_opts_in"]

LEGACY = "istio-injection"
REVISION = "istio.io/rev"
DATAPLANE = "istio.io/dataplane-mode"
INJECTION_LABELS = (LEGACY, REVISION, DATAPLANE)
POD_INJECT = "sidecar.istio.io/inject"


def injection_labels(labels: Mapping[str, str]) -> list[str]:
    """The labels that select a data plane: ``istio-injection=enabled``, ``istio.io/rev``,
    ``istio.io/dataplane-mode=ambient``. ``istio-injection=disabled`` selects none."""
    found = [LEGACY] if labels.get(LEGACY) == "enabled" else []
    if REVISION in labels:
        found.append(REVISION)
    if labels.get(DATAPLANE) == "ambient":
        found.append(DATAPLANE)
    return found


def is_system_namespace(name: str, settings: Settings) -> bool:
    return glob_matcher(settings.system_namespaces)(name)


def pod_opts_in(labels: Mapping[str, str], annotations: Mapping[str, str]) -> bool:
    """A pod template that asks for a sidecar itself (label, or the older annotation)."""
    value = labels.get(POD_INJECT, annotations.get(POD_INJECT, ""))
    return value.lower() == "true" or REVISION in labels
