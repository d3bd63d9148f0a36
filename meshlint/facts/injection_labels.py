"""How a namespace asks for the data plane: the labels Istio reads, in one place.

An empty ``istio.io/rev`` names no revision: Istio's injector webhooks match ``istio.io/rev`` In
[<revision>] or require it to be absent (istio-discovery ``templates/mutatingwebhook.yaml``), so
such a namespace gets no sidecars, and no pod in it can opt in either.
"""

from __future__ import annotations

from collections.abc import Mapping

from meshlint.config.settings import Settings
from meshlint.input.globs import glob_matcher

__all__ = [
    "INJECTION_LABELS",
    "injection_labels",
    "is_system_namespace",
    "namespace_revision",
    "pod_injection",
]

LEGACY = "istio-injection"
REVISION = "istio.io/rev"
DATAPLANE = "istio.io/dataplane-mode"
INJECTION_LABELS = (LEGACY, REVISION, DATAPLANE)
POD_INJECT = "sidecar.istio.io/inject"


def injection_labels(labels: Mapping[str, str]) -> list[str]:
    """The labels that select a data plane: ``istio-injection=enabled``, ``istio.io/rev``,
    ``istio.io/dataplane-mode=ambient``. ``istio-injection=disabled`` selects none."""
    found = [LEGACY] if labels.get(LEGACY) == "enabled" else []
    if labels.get(REVISION):
        found.append(REVISION)
    if labels.get(DATAPLANE) == "ambient":
        found.append(DATAPLANE)
    return found


def namespace_revision(labels: Mapping[str, str]) -> tuple[bool, str | None]:
    """(injected, revision) of a namespace: ``istio-injection`` wins when present (``enabled``
    injects the default revision), else a non-empty ``istio.io/rev`` injects that revision."""
    legacy = labels.get(LEGACY)
    if legacy is not None:
        return legacy == "enabled", None
    revision = labels.get(REVISION) or None
    return revision is not None, revision


def is_system_namespace(name: str, settings: Settings) -> bool:
    return glob_matcher(settings.system_namespaces)(name)


def pod_injection(labels: Mapping[str, str], annotations: Mapping[str, str]) -> str | None:
    """The pod's own ``sidecar.istio.io/inject`` choice, as written: the label first, then the
    older annotation; None when the pod leaves it to its namespace."""
    value = labels.get(POD_INJECT)
    return annotations.get(POD_INJECT) if value is None else value
