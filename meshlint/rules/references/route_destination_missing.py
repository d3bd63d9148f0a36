"""A route entry or mirror has no destination host.

Every entry of `route` (and every `mirror`/`mirrors` entry) must name a `destination` with a
`host`. An entry without one, often left behind when a canary arm is deleted (`- {}` or a
`weight` alone), is rejected by Istio's validating webhook, so the whole VirtualService fails
to apply; where validation is off, the route points at an empty cluster and fails with 503.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 100
    - weight: 0
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 100
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import ROUTE_SECTIONS, Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML121",
    name="route-destination-missing",
    severity=Severity.ERROR,
    summary="A route or mirror entry without a destination host.",
    kinds=("VirtualService",),
    refs=("IST0101",),
)


def _has_host(holder: object, key: str) -> bool:
    target = holder.get(key) if isinstance(holder, dict) else None
    host = target.get("host") if isinstance(target, dict) else None
    return isinstance(host, str) and bool(host)


def _entries(rule: dict) -> Iterator[tuple[tuple[object, ...], dict, str, str]]:
    """``(path suffix, holder, key, what)`` for every destination the rule must name."""
    for key, what in (("route", "route entry"), ("mirrors", "mirror")):
        items = rule.get(key)
        for position, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict):
                yield (key, position), item, "destination", what
    if "mirror" in rule:
        yield ("mirror",), rule, "mirror", "mirror"


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        for section in ROUTE_SECTIONS:
            rules = vs.spec.get(section)
            for index, rule in enumerate(rules if isinstance(rules, list) else ()):
                if not isinstance(rule, dict):
                    continue
                for suffix, holder, key, what in _entries(rule):
                    if _has_host(holder, key):
                        continue
                    message = (
                        f"this {what} has no destination host, so the VirtualService is "
                        "rejected on apply; add `destination: {host: ...}` or remove the entry"
                    )
                    yield report(RULE, vs, ("spec", section, index, *suffix), message)
