"""A route's destination weights do not sum to 100.

Before Istio 1.15 the API server rejected such a route outright. Since 1.15 it accepts any
sum and normalises the weights, so a canary split written as 90/20 quietly becomes 81.8/18.2:
almost never what the author meant. The message says which case applies for the configured
`--istio-version` and what split the mesh will really apply. Also reported: a single
destination whose weight is not 100 (Istio ignores it and sends everything there), negative
weights, and two or more destinations whose weights are all zero or unset: Istio's validation
rejects that VirtualService (`validateHTTPRouteDestinations` and `validateRouteDestinations` in
`pkg/config/validation`: "total destination weight = 0"), so the API server refuses it.
Weights that are not integers are left to the schema rules.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 90
    - destination: {host: reviews, subset: v2}
      weight: 20
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 90
    - destination: {host: reviews, subset: v2}
      weight: 10
```

## Fix

A single destination's weight is removed (safe: Istio already ignores it and sends all
traffic there). Weights that do not sum to 100 are rescaled to sum to 100, by largest
remainder (90/20 becomes 82/18), zero weights staying zero: unsafe, since whether the split
the author meant was 90/10 or 80/20 only they know. Negative weights and all-zero routes are
not fixed.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.flow import NORMALISING_RELEASE, route_split
from meshlint.facts.graph import Mesh
from meshlint.facts.routes import RouteRule, route_rules
from meshlint.findings import Finding, Fix, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Edit, FixSafety, Rule, fix_for, report

RULE = Rule(
    code="ML201",
    name="weight-sum",
    severity=Severity.ERROR,
    summary="Route destination weights that do not sum to 100, or that validation rejects.",
    kinds=("VirtualService",),
    refs=("KIA1104",),
    fix=FixSafety.MIXED,
)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _label(route: dict) -> str:
    destination = route.get("destination")
    if not isinstance(destination, dict):
        return "?"
    host = destination.get("host")
    label = host if isinstance(host, str) else "?"
    subset = destination.get("subset")
    return f"{label}/{subset}" if isinstance(subset, str) else label


def _percent(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _check_route(mesh: Mesh, rule: RouteRule, version: tuple[int, int]) -> Iterator[Finding]:
    vs, path, routes = rule.virtual_service, (*rule.path, "route"), rule.route_list or []
    split = route_split(mesh, rule)
    if split is None:
        return
    for index, route in enumerate(routes):
        weight = route.get("weight") if isinstance(route, dict) else None
        if _is_int(weight) and weight < 0:
            yield report(
                RULE,
                vs,
                (*path, index, "weight"),
                f"weight {weight} is negative: Istio's validation rejects the VirtualService; "
                "weights must be 0 or more",
            )
    weights = split.weights
    if any(w < 0 for w in weights):
        return
    entries = [routes[position] for position in split.positions]
    if len(entries) == 1:
        weight = entries[0].get("weight")
        if weight is not None and weight != 100:
            yield report(
                RULE,
                vs,
                (*path, 0, "weight"),
                f"the only destination has weight {weight}; Istio ignores it and sends all "
                "traffic there. Remove the weight or set it to 100",
                fix=fix_for(vs, "remove the weight", Edit("delete", (*path, 0, "weight"))),
            )
        return
    total = sum(weights)
    first_weight = next(
        (i for i, r in enumerate(routes) if isinstance(r, dict) and "weight" in r), None
    )
    at = (*path, first_weight, "weight") if first_weight is not None else path
    if total == 0:
        yield report(
            RULE,
            vs,
            at,
            f"all {len(entries)} destinations have weight 0 or none: Istio's validation "
            "rejects the VirtualService ('total destination weight = 0'), so the API server "
            "refuses it; give the destinations weights that sum to 100",
        )
        return
    if total == 100:
        return
    if version < NORMALISING_RELEASE or split.shares is None:
        consequence = (
            f"Istio {version[0]}.{version[1]} rejects this route (before 1.15 weights must sum "
            "to 100)"
        )
    else:
        shares = ", ".join(
            f"{_label(r)} gets {_percent(share)}%"
            for r, share in zip(entries, split.shares, strict=True)
        )
        consequence = f"Istio {version[0]}.{version[1]} normalises them: {shares}"
    yield report(
        RULE,
        vs,
        at,
        f"destination weights sum to {total}, not 100; {consequence}. Make the weights sum to 100",
        fix=rescale(vs, path, routes, total),
    )


def rescale(vs: Resource, path: tuple[object, ...], routes: list, total: int) -> Fix | None:
    """Weights rescaled to sum to 100 by largest remainder; zero and unset weights stay."""
    if not all(isinstance(r, dict) for r in routes):
        return None
    weights = [r.get("weight") or 0 for r in routes]
    scaled = [w * 100 // total for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(weights[i] * 100 % total), i))
    for index in order[: 100 - sum(scaled)]:
        scaled[index] += 1
    edits = tuple(
        Edit("set", (*path, index, "weight"), new)
        for index, (old, new) in enumerate(zip(weights, scaled, strict=True))
        if old != new
    )
    title = "rescale the weights to " + "/".join(map(str, scaled))
    return fix_for(vs, title, *edits, safe=False)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    version = mesh.settings.istio_version
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        for rule in route_rules(mesh, vs):
            if rule.route_list is not None:
                yield from _check_route(mesh, rule, version)
