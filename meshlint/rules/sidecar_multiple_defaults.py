"""More than one Sidecar without `workloadSelector` in a namespace.

A Sidecar without selector is the default for every proxy of its namespace, and a namespace
can have only one. With two, Istio picks one of them (the oldest) and ignores the other, so an
edit to the ignored one changes nothing, and deleting the other one suddenly activates stale
settings. Namespaces in ambient mode are left to `sidecar-ambient-ineffective`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress: [{hosts: ["./*", "istio-system/*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: restrict-egress, namespace: shop}
spec:
  egress: [{hosts: ["./*"]}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress: [{hosts: ["./*", "istio-system/*"]}]
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: billing}
spec:
  egress: [{hosts: ["./*"]}]
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from meshlint.ambient import namespace_is_ambient
from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import K
from meshlint.policies import selection
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML153",
    name="sidecar-multiple-defaults",
    severity=Severity.ERROR,
    summary="More than one selector-less (namespace default) Sidecar in a namespace.",
    kinds=("Sidecar",),
    refs=("IST0111", "KIA0002"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    yield from multiple_defaults(mesh, K.SIDECAR, RULE, "Sidecar")


def multiple_defaults(mesh: Mesh, kind, rule: Rule, noun: str) -> Iterator[Finding]:
    """Findings for namespaces with several selector-less resources of ``kind``; shared with
    `telemetry-multiple-defaults`."""
    by_namespace = defaultdict(list)
    for resource in mesh.of_type(kind):
        targeted = "targetRef" in resource.spec or "targetRefs" in resource.spec
        if selection(mesh, resource).labels is None and not targeted:
            by_namespace[resource.namespace].append(resource)
    for namespace, resources in by_namespace.items():
        if len(resources) < 2:
            continue
        if kind == K.SIDECAR and namespace_is_ambient(mesh, namespace):
            continue
        for resource in resources:
            others = [r for r in resources if r is not resource]
            message = (
                f"namespace {namespace!r} has {len(resources)} {noun} resources without a "
                f"selector (also {quoted_list(r.name for r in others)}); only one of them "
                "applies. Merge them into one, or give the others a selector"
            )
            where = [related(r, ("metadata", "name"), f"also default: {r.display}") for r in others]
            yield report(rule, resource, ("metadata", "name"), message, where)
