"""An HTTP route with more than one action (`route`, `redirect`, `directResponse`), with none,
or with an action Istio cannot combine with `fault`, `rewrite` or both mirror forms.

Each HTTP route does exactly one thing with a request: forward it (`route`), answer with a
redirect (`redirect`), or answer directly (`directResponse`). Istio's webhook refuses a route
with two of them, a route with none (`HTTP route, redirect or direct_response is required`),
`fault` or `rewrite` next to a `redirect`/`directResponse` (there is no upstream request to
delay or rewrite), and `mirror` together with `mirrors`. Root routes that `delegate` are
checked by `invalid-delegate` instead.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: shop
spec:
  hosts: [web]
  http:
  - match: [{uri: {prefix: /old}}]
    redirect: {uri: /new}
    route:
    - destination: {host: web}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: shop
spec:
  hosts: [web]
  http:
  - match: [{uri: {prefix: /old}}]
    redirect: {uri: /new}
  - route:
    - destination: {host: web}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.routes import route_rules
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML526",
    name="http-route-action-conflict",
    severity=Severity.ERROR,
    summary="An HTTP route with several of route/redirect/directResponse, or none of them.",
    kinds=("VirtualService",),
    refs=("IST0106",),
)

ACTIONS = ("route", "redirect", "directResponse")


def _present(rule: dict, key: str) -> bool:
    value = rule.get(key)
    return bool(value) if isinstance(value, list) else value is not None


def _check_rule(vs: Resource, base: tuple[object, ...], rule: dict) -> Iterator[Finding]:
    actions = [key for key in rule if key in ACTIONS and _present(rule, key)]  # file order
    if not actions:
        yield report(
            RULE,
            vs,
            base,
            "this HTTP route has none of route, redirect or directResponse, so Istio rejects "
            "it; add a route with a destination (or a redirect or directResponse)",
        )
    for extra in actions[1:]:
        yield report(
            RULE,
            vs,
            (*base, extra),
            f"this HTTP route has both {actions[0]} and {extra}; a route takes exactly one of "
            "route, redirect or directResponse. Keep one, or split it into two routes",
            [related(vs, (*base, actions[0]), f"{actions[0]} of the same route")],
        )
    answer = next((a for a in actions if a != "route"), None)
    if answer is not None:
        for modifier in ("fault", "rewrite"):
            if _present(rule, modifier):
                yield report(
                    RULE,
                    vs,
                    (*base, modifier),
                    f"{modifier} cannot be combined with {answer}: no request is sent upstream "
                    f"to {'delay or abort' if modifier == 'fault' else 'rewrite'}. Move "
                    f"{modifier} to a route that forwards traffic",
                )
    if _present(rule, "mirror") and _present(rule, "mirrors"):
        yield report(
            RULE,
            vs,
            (*base, "mirrors"),
            "this HTTP route has both mirror and mirrors; Istio rejects the combination. "
            "Move the mirror destination into mirrors",
        )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        for rule in route_rules(mesh, vs):
            if rule.section == "http" and rule.delegate is None:
                yield from _check_rule(vs, rule.path, rule.body)
