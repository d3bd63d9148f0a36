"""Is a resource in production? Decided in a fixed order, so the answer is predictable:

1. the run's environment (``--env`` or config);
2. the resource's own labels (``env``, ``environment``, ``stage``, ``tier``);
3. its namespace's labels;
4. path globs (``**/prod/**`` ...);
5. a ``prod`` token in the namespace name.

An explicit label that names a non-production environment wins over a path or a name guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from meshlint.globs import glob_matcher
from meshlint.model import Resource
from meshlint.settings import Settings

__all__ = ["Verdict", "production_verdict"]

Verdict = tuple[bool, str]  # (is production, why)
_TOKEN = re.compile(r"[-_.]")


def _from_labels(labels: Mapping[str, str], settings: Settings, whose: str) -> Verdict | None:
    for key in settings.env_label_keys:
        value = labels.get(key)
        if value is None:
            continue
        lowered = value.lower()
        if lowered in settings.production_values:
            return True, f"{whose} label {key}={value}"
        if lowered in settings.nonproduction_values:
            return False, f"{whose} label {key}={value}"
    return None


def production_verdict(
    resource: Resource,
    namespace_labels: Callable[[str], Mapping[str, str] | None],
    settings: Settings,
    labels: Mapping[str, str] | None = None,
) -> Verdict:
    """Decide whether ``resource`` is production, and say why.

    ``labels`` replaces the resource's own labels where a rule looks at something more
    specific (a pod template's labels merged over its controller's)."""
    if settings.env:
        is_prod = settings.env.lower() in settings.production_values
        return is_prod, f"--env {settings.env}"
    verdict = _from_labels(resource.labels if labels is None else labels, settings, "its")
    if verdict:
        return verdict
    namespace = resource.namespace
    if namespace:
        ns_labels = namespace_labels(namespace)
        if ns_labels:
            verdict = _from_labels(ns_labels, settings, f"namespace {namespace}")
            if verdict:
                return verdict
    if resource.source.path and glob_matcher(settings.production_paths)(resource.source.path):
        return True, f"path {resource.source.path}"
    if namespace:
        tokens = {t.lower() for t in _TOKEN.split(namespace)}
        if tokens & set(settings.production_values):
            return True, f"namespace name {namespace}"
    return False, "no production label, path or namespace name"
