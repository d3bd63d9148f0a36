"""Is a resource in production? Decided in a fixed order, so the answer is predictable:

1. the run's environment (``--env`` or config);
2. the resource's own labels (``env``, ``environment``, ``stage``, ``tier``);
3. its namespace's labels;
4. path globs (``**/prod/**`` ...);
5. a token of the namespace name that is a production value.

Labels and namespace-name tokens compare against one list, ``Settings.production_values``
(``prod``, ``production``, ``prd``, ``live``). An explicit label that names a non-production
environment wins over a path or a name guess. A namespace (for mesh-wide settings, which
reach every namespace) is judged by steps 1 and 3-5, with the paths of the files that hold its
resources.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from meshlint.config.settings import Settings
from meshlint.input.globs import glob_matcher
from meshlint.input.resources import Resource

__all__ = ["Verdict", "namespace_verdict", "production_verdict"]

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
        return _from_env(settings)
    verdict = _from_labels(resource.labels if labels is None else labels, settings, "its")
    if verdict:
        return verdict
    paths = (resource.source.path,) if resource.source.path else ()
    return namespace_verdict(resource.namespace, namespace_labels, settings, paths)


def namespace_verdict(
    namespace: str | None,
    namespace_labels: Callable[[str], Mapping[str, str] | None],
    settings: Settings,
    paths: Iterable[str] = (),
) -> Verdict:
    """Decide whether ``namespace`` is production: the run's environment, the Namespace's
    labels, ``paths`` (files holding its resources) against the path globs, its name."""
    if settings.env:
        return _from_env(settings)
    if namespace:
        ns_labels = namespace_labels(namespace)
        if ns_labels:
            verdict = _from_labels(ns_labels, settings, f"namespace {namespace}")
            if verdict:
                return verdict
    matches = glob_matcher(settings.production_paths)
    for path in paths:
        if matches(path):
            return True, f"path {path}"
    if namespace:
        tokens = {t.lower() for t in _TOKEN.split(namespace)}
        if tokens & set(settings.production_values):
            return True, f"namespace name {namespace}"
    return False, "no production label, path or namespace name"


def _from_env(settings: Settings) -> Verdict:
    env = settings.env or ""
    return env.lower() in settings.production_values, f"--env {env}"
