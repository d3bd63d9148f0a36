"""A `kind` that its API group does not have (`VirtualServce`, `virtualservice`,
`DestinationRules`), or an Istio API group or version that does not exist
(`networking.istio.io/v1alpha4`, `networking.isito.io/v1`). The API server refuses the object
("no matches for kind"), so nothing it configures is applied; meshlint does not recognise it
either, so none of its other rules check it. The finding suggests the nearest real name.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualServce
metadata:
  name: reviews
spec:
  hosts: [reviews]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
```
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import Resource
from meshlint.rules.base import Rule, report, suggest

RULE = Rule(
    code="ML010",
    name="unknown-kind",
    severity=Severity.ERROR,
    summary="A kind, API group or version that does not exist (a misspelling).",
)

# API group -> (versions, kinds). Groups outside this table (other CRDs) are not judged.
_ISTIO_NETWORKING = (
    "VirtualService",
    "DestinationRule",
    "Gateway",
    "ServiceEntry",
    "Sidecar",
    "WorkloadEntry",
    "WorkloadGroup",
    "EnvoyFilter",
    "ProxyConfig",
)
GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "networking.istio.io": (("v1alpha3", "v1beta1", "v1"), _ISTIO_NETWORKING),
    "security.istio.io": (
        ("v1beta1", "v1"),
        ("AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication"),
    ),
    "telemetry.istio.io": (("v1alpha1", "v1"), ("Telemetry",)),
    "extensions.istio.io": (("v1alpha1",), ("WasmPlugin",)),
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
_ISTIO_GROUPS = tuple(group for group in GROUPS if group.endswith(".istio.io"))
_HOME = {kind: group for group, (_, kinds) in GROUPS.items() for kind in kinds}


def _api_version(group: str, version: str) -> str:
    return f"{group}/{version}" if group else version


def _check_resource(resource: Resource) -> Iterator[Finding]:
    group, version, kind = resource.group, resource.version, resource.kind
    known = GROUPS.get(group)
    if known is None:
        # Only a near miss of an Istio group: other groups are CRDs meshlint does not know.
        near = difflib.get_close_matches(group, _ISTIO_GROUPS, n=1, cutoff=0.85)
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
        home = _HOME.get(kind)
        if home is not None:
            right = _api_version(home, GROUPS[home][0][-1])
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
    if version not in versions:
        choices = ", ".join(_api_version(group, v) for v in versions)
        yield report(
            RULE,
            resource,
            ("apiVersion",),
            f"{resource.api_version!r} is not a version of {kind}{suggest(version, versions)}; "
            f"use one of {choices}",
        )


def _suggest_ignoring_case(kind: str, kinds: tuple[str, ...]) -> str:
    """`virtualservice` or `VIRTUALSERVICE` -> `VirtualService`."""
    by_lower = {k.lower(): k for k in kinds}
    close = difflib.get_close_matches(kind.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[close[0]]!r}?)" if close else ""


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for resource in mesh.resources:
        yield from _check_resource(resource)
