"""VirtualService delegation used in a way Istio refuses.

A delegate VirtualService is one without `hosts`: a root VirtualService hands part of its HTTP
traffic to it with `delegate: {name, namespace}`. Istio's webhook enforces the shape: a
delegate has no `gateways` (the root decides where it applies) and no `tcp` or `tls` routes
(only HTTP can be delegated), cannot delegate again, and a root route that delegates cannot
also `route` or `redirect` (the delegate decides). `delegate` is only understood in `http`
routes. A route that delegates to a VirtualService of the analysed files which has `hosts` is
reported too: that VirtualService is not a delegate, and Istio does not merge it.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-delegate
  namespace: shop
spec:
  gateways: [edge/public]
  http:
  - route:
    - destination: {host: reviews}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-delegate
  namespace: shop
spec:
  http:
  - route:
    - destination: {host: reviews}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: root
  namespace: shop
spec:
  hosts: [shop.example.com]
  gateways: [edge/public]
  http:
  - match: [{uri: {prefix: /reviews}}]
    delegate: {name: reviews-delegate, namespace: shop}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.routes import declared_sections, route_rules
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML527",
    name="invalid-delegate",
    severity=Severity.ERROR,
    summary="A delegate VirtualService or a delegating route in a shape Istio refuses.",
    kinds=("VirtualService",),
    refs=("IST0106",),
)


def _non_empty(value: object) -> bool:
    return isinstance(value, list) and bool(value)


def _delegate_shape(vs: Resource) -> Iterator[Finding]:
    spec = vs.spec
    if _non_empty(spec.get("gateways")):
        yield report(
            RULE,
            vs,
            ("spec", "gateways"),
            "a delegate VirtualService (no hosts) must not list gateways: the root "
            "VirtualService decides where it applies. Remove gateways, or add hosts if this is "
            "not meant to be a delegate",
        )
    for section, rules in declared_sections(vs).items():
        if section != "http" and _non_empty(rules):
            yield report(
                RULE,
                vs,
                ("spec", section),
                f"a delegate VirtualService (no hosts) cannot have {section} routes; only HTTP "
                f"routes can be delegated. Move them to a VirtualService with hosts",
            )


def _target_has_hosts(
    mesh: Mesh, vs: Resource, path: tuple[object, ...], ref: object
) -> Finding | None:
    """A delegating route whose target VirtualService is not a delegate (it has hosts)."""
    if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
        return None
    namespace = ref.get("namespace") if isinstance(ref.get("namespace"), str) else vs.namespace
    target = mesh.get(K.VIRTUAL_SERVICE, namespace or vs.namespace, ref["name"])
    if target is None or not _non_empty(target.spec.get("hosts")):
        return None
    return report(
        RULE,
        vs,
        path,
        f"this route delegates to {target.display}, which has hosts and so is not a delegate "
        "VirtualService; remove its hosts (and gateways) to make it one",
        [related(target, ("spec", "hosts"), f"hosts of {target.display}")],
    )


def _http_rules(mesh: Mesh, vs: Resource, delegate: bool) -> Iterator[Finding]:
    for route in route_rules(mesh, vs):
        if route.section != "http" or route.delegate is None:
            continue
        base, rule = route.path, route.body
        if delegate:
            yield report(
                RULE,
                vs,
                (*base, "delegate"),
                "a delegate VirtualService cannot delegate again (only one level of "
                "delegation); route to destinations here instead",
            )
            continue
        finding = _target_has_hosts(mesh, vs, (*base, "delegate"), rule["delegate"])
        if finding:
            yield finding
        for action in ("route", "redirect"):
            value = rule.get(action)
            if value is not None and value != []:
                yield report(
                    RULE,
                    vs,
                    (*base, action),
                    f"a route that delegates must not also {action}: the delegate "
                    f"VirtualService decides. Remove {action}, or remove delegate",
                )


def _misplaced(mesh: Mesh, vs: Resource) -> Iterator[Finding]:
    for rule in route_rules(mesh, vs):
        if rule.section != "http" and "delegate" in rule.body:
            yield report(
                RULE,
                vs,
                (*rule.path, "delegate"),
                f"delegate is only supported in http routes, not in {rule.section}; route "
                "to a destination here",
            )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        delegate = not _non_empty(vs.spec.get("hosts"))
        if delegate:
            yield from _delegate_shape(vs)
        yield from _http_rules(mesh, vs, delegate)
        yield from _misplaced(mesh, vs)
