"""A `kind` that its API group does not have (`VirtualServce`, `virtualservice`,
`DestinationRules`), an Istio API group or version that does not exist
(`networking.istio.io/v1alpha4`, `networking.isito.io/v1`), or an Istio kind with a version its
CustomResourceDefinition does not serve. Versions are per kind, not per group:
`networking.istio.io/v1` serves VirtualService but not EnvoyFilter (only `v1alpha3`) or
ProxyConfig (only `v1beta1`). The API server refuses the object ("no matches for kind"), so
nothing it configures is applied; meshlint has no schema for it either, so none of its other
rules check it. The finding suggests the nearest real name, or the newest version the kind is
served as.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualServce
metadata:
  name: reviews
spec:
  hosts: [reviews]
---
apiVersion: networking.istio.io/v1
kind: EnvoyFilter
metadata:
  name: add-header
spec:
  configPatches: []
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: add-header
spec:
  configPatches: []
```
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import lru_cache

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import Resource
from meshlint.rules.base import Rule, report, suggest
from meshlint.rules.schema.schema_base import ISTIO_KINDS, shipped_kinds

RULE = Rule(
    code="ML010",
    name="unknown-kind",
    severity=Severity.ERROR,
    summary="A kind, API group or version that does not exist, or a version its kind lacks.",
)

# Groups the shipped schemas do not cover: Istio's installer, and the Kubernetes groups whose
# kinds sit next to mesh config. API group -> (versions, kinds).
_OTHER_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "install.istio.io": (("v1alpha1",), ("IstioOperator",)),
    "": (
        ("v1",),
        (
            "Service",
            "Pod",
            "Namespace",
            "ConfigMap",
            "Secret",
            "ServiceAccount",
            "Endpoints",
            "PersistentVolumeClaim",
            "PersistentVolume",
            "Node",
            "ReplicationController",
            "LimitRange",
            "ResourceQuota",
            "Event",
            "PodTemplate",
            "Binding",
            "ComponentStatus",
            "List",
        ),
    ),
    "apps": (
        ("v1",),
        ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"),
    ),
    "batch": (("v1",), ("Job", "CronJob")),
}
_VERSION = re.compile(r"v(\d+)(?:(alpha|beta)(\d+))?")


def _version_order(version: str) -> tuple[int, int, int, str]:
    """Kubernetes' order: alpha, then beta, then GA, each by number; the last is the one to
    recommend."""
    match = _VERSION.fullmatch(version)
    if match is None:
        return (-1, 0, 0, version)
    major, stage, minor = match.groups()
    return (("alpha", "beta", None).index(stage), int(major), int(minor or 0), version)


@lru_cache(maxsize=1)
def known_groups() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """API group -> (versions, oldest first; kinds). The Istio groups come from the shipped
    schemas, the ones the schema rules validate against; groups outside the table (other
    CRDs) are not judged."""
    versions: dict[str, set[str]] = {}
    kinds: dict[str, set[str]] = {}
    for group, version, kind in shipped_kinds():
        versions.setdefault(group, set()).add(version)
        kinds.setdefault(group, set()).add(kind)
    istio = {
        group: (
            tuple(sorted(versions[group], key=_version_order)),
            tuple(kind for kind in ISTIO_KINDS if kind in kinds[group]),
        )
        for group in kinds
    }
    return {**istio, **_OTHER_GROUPS}


@lru_cache(maxsize=1)
def served_versions() -> dict[tuple[str, str], tuple[str, ...]]:
    """(API group, kind) -> the versions it is served as, oldest first. An Istio kind has the
    versions of its shipped schemas (one per version its CRD serves); a kind of the other
    groups has all its group's versions."""
    versions: dict[tuple[str, str], set[str]] = {}
    for group, version, kind in shipped_kinds():
        versions.setdefault((group, kind), set()).add(version)
    served = {key: tuple(sorted(found, key=_version_order)) for key, found in versions.items()}
    for group, (group_versions, kinds) in _OTHER_GROUPS.items():
        served.update({(group, kind): group_versions for kind in kinds})
    return served


def _api_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def _check_resource(resource: Resource) -> Iterator[Finding]:
    group, version, kind = resource.group, resource.version, resource.kind
    groups = known_groups()
    known = groups.get(group)
    if known is None:
        # Only a near miss of an Istio group: other groups are CRDs meshlint does not know.
        istio_groups = [name for name in groups if name.endswith(".istio.io")]
        near = difflib.get_close_matches(group, istio_groups, n=1, cutoff=0.85)
        if near:
            yield report(
                RULE,
                resource,
                ("apiVersion",),
                f"API group {group!r} does not exist (did you mean {near[0]!r}?); the object "
                "is refused",
            )
        return
    versions, kinds = known
    if kind not in kinds:
        home = next((name for name, (_, names) in groups.items() if kind in names), None)
        if home is not None:
            right = _api_version(home, served_versions()[home, kind][-1])
            message = f"{kind} is not in API group {group or 'core'!r}; use `apiVersion: {right}`"
            yield report(RULE, resource, ("apiVersion",), message)
        else:
            hint = suggest(kind, kinds) or _suggest_ignoring_case(kind, kinds)
            yield report(
                RULE,
                resource,
                ("kind",),
                f"API group {group or 'core'!r} has no kind {kind!r}{hint}; the object is "
                "refused and meshlint does not check it",
            )
        return
    served = served_versions()[group, kind]
    if version in served:
        return
    if version not in versions:
        choices = ", ".join(_api_version(group, v) for v in served)
        use = "use one of" if len(served) > 1 else "use"
        yield report(
            RULE,
            resource,
            ("apiVersion",),
            f"{resource.api_version!r} is not a version of {kind}{suggest(version, served)}; "
            f"{use} {choices}",
        )
        return
    # A version of the group that this kind's CRD does not serve (EnvoyFilter as v1).
    newest = _api_version(group, served[-1])
    listed = " and ".join(_api_version(group, v) for v in served)
    advice = "that apiVersion" if len(served) == 1 else newest
    yield report(
        RULE,
        resource,
        ("apiVersion",),
        f"{kind} is served as {listed} only, not as {resource.api_version}; use {advice}",
    )


def _suggest_ignoring_case(kind: str, kinds: tuple[str, ...]) -> str:
    """`virtualservice` or `VIRTUALSERVICE` -> `VirtualService`."""
    by_lower = {k.lower(): k for k in kinds}
    close = difflib.get_close_matches(kind.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[close[0]]!r}?)" if close else ""


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for resource in mesh.resources:
        yield from _check_resource(resource)
