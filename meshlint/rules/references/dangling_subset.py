"""A route destination names a subset that no visible DestinationRule for its host defines.

Istio builds one Envoy cluster per subset. A subset nobody defines has no cluster, and every
request routed to it fails with a 503 (`NR`). It happens after a DestinationRule is renamed,
when a subset is spelled differently (`v1` vs `version-1`), or when the DestinationRule that
defines it is not the one that applies.

Which DestinationRule applies is decided for each namespace whose proxies get the route (the
VirtualService's `exportTo` when it applies to `mesh`, and the namespace of each bound
gateway's proxies, since a gateway looks its DestinationRules up from its own namespace:
`DefaultSidecarScopeForGateway`), as Istio's `PushContext.destinationRule` does
(`meshlint/facts/destination_rules.py`): the most specific host among the client namespace's own
rules, else among those the service's namespace exports to it, else among those the root
namespace exports; rules for one host in one namespace are merged. So a namespace-wide
`*.local` rule in the client's namespace hides the subsets of the service's rule there, an
exact host beats a wildcard, a rule in any other namespace never applies, and a rule with a
`workloadSelector` or `exportTo: ["."]` applies in its own namespace only. The finding names
the namespaces whose clients get 503.

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
    - destination:
        host: reviews
        subset: v3
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
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
    - destination:
        host: reviews
        subset: v1
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  namespace: shop
spec:
  host: reviews.shop.svc.cluster.local
  subsets:
  - name: v1
    labels: {version: v1}
```

## Fix

Renames the subset to the only subset of the DestinationRule that applies which is one edit
away (`v1` for `v11`), when there is exactly one; otherwise the message suggests the nearest
name. Unsafe: the route then sends traffic to those pods.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.destination_rules import (
    MergedRule,
    describe_namespaces,
    destination_service,
    naming,
    serving,
)
from meshlint.facts.graph import Destination, Mesh
from meshlint.facts.traffic import route_namespaces
from meshlint.findings import Finding, Severity
from meshlint.rules.base import (
    Edit,
    FixSafety,
    Rule,
    fix_for,
    one_edit_away,
    quoted_list,
    related,
    report,
    suggest,
)

RULE = Rule(
    code="ML102",
    name="dangling-subset",
    severity=Severity.ERROR,
    summary="A destination subset that the DestinationRule applying to its clients lacks.",
    kinds=("VirtualService",),
    refs=("IST0101", "KIA1107"),
    fix=FixSafety.UNSAFE,
)


def _missing(
    mesh: Mesh, destination: Destination
) -> tuple[dict[tuple, tuple[MergedRule | None, list[str]]], bool]:
    """The client namespaces where the destination's subset is undefined, grouped by the
    DestinationRules that apply there (none: an empty key), and whether that is every
    namespace the route is visible in."""
    failing: dict[tuple, tuple[MergedRule | None, list[str]]] = {}
    served = serving(mesh, destination)
    for namespace, entry in served:
        if entry is None or destination.subset not in entry.subsets:
            key = tuple(map(id, entry.rules)) if entry else ()
            failing.setdefault(key, (entry, []))[1].append(namespace)
    everywhere = sum(len(n) for _, n in failing.values()) == len(served)
    return failing, everywhere


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for destination in mesh.destinations:
        subset = destination.subset
        if subset is None:
            continue
        failing, everywhere = _missing(mesh, destination)
        if not failing:
            continue
        vs = destination.virtual_service
        path = (*destination.path, "subset")
        if everywhere and len(failing) == 1:
            entry, _ = next(iter(failing.values()))
            fix = None
            if entry is not None and (name := one_edit_away(subset, entry.subsets)):
                fix = fix_for(vs, f"use subset {name!r}", Edit("set", path, name), safe=False)
            yield report(RULE, vs, path, *_everywhere(mesh, destination, entry), fix=fix)
            continue
        clauses, where, names = [], [], []
        for entry, namespaces in failing.values():
            who = _who(mesh, destination, namespaces)
            if entry is None:
                clauses.append(f"{who} find no DestinationRule for {destination.host!r}")
                where += _not_applying(mesh, destination)
                continue
            names += entry.subsets
            defined = quoted_list(entry.subsets) if entry.subsets else "none"
            rules = quoted_list((r.display for r in entry.rules), ordered=True, quote=False)
            clauses.append(f"for {who} the one that applies is {rules} (subsets: {defined})")
            where += [related(r, ("spec", "host"), f"applies for {who}") for r in entry.rules]
        message = (
            f"subset {subset!r} of host {destination.host!r} is not defined by the "
            f"DestinationRule that applies in some namespaces: {'; '.join(clauses)}"
            f"{suggest(subset, names)}; their requests get 503; fix the name or define the "
            "subset in the DestinationRule that applies there"
        )
        yield report(RULE, vs, path, message, where)


def _who(mesh: Mesh, destination: Destination, namespaces: list[str]) -> str:
    """``clients in 'a'`` or ``the gateway proxies in 'b'`` (a gateway looks its
    DestinationRules up from its own namespace)."""
    sidecars, gateways = route_namespaces(mesh, destination.virtual_service)
    if sidecars is not None and not sidecars & set(namespaces) and set(namespaces) <= set(gateways):
        return f"the gateway proxies in {describe_namespaces(namespaces)}"
    return f"clients in {describe_namespaces(namespaces)}"


def _not_applying(mesh: Mesh, destination: Destination) -> list:
    """The DestinationRules for the host that apply nowhere the route is used, and why."""
    host, service_namespace = destination_service(
        mesh, destination, destination.virtual_service.namespace
    )
    found = []
    for rule in naming(mesh, host):
        if "workloadSelector" in rule.spec:
            why = f"{rule.display} has a workloadSelector: it applies in its own namespace only"
            path: tuple = ("spec", "workloadSelector")
        elif "exportTo" in rule.spec and rule.namespace in (
            service_namespace,
            mesh.root_namespace,
        ):
            why = f"{rule.display} is not exported to these clients"
            path = ("spec", "exportTo")
        else:
            why = (
                f"{rule.display} is in neither the clients', the service's nor the root "
                "namespace, so it applies to clients in its own namespace only"
            )
            path = ("spec", "host")
        found.append(related(rule, path, why))
    return found


def _everywhere(mesh: Mesh, destination: Destination, entry: MergedRule | None) -> tuple:
    """The message and related locations when every client gets the same answer."""
    subset, host = destination.subset or "", destination.host
    if entry is None:
        gateways = route_namespaces(mesh, destination.virtual_service)[1]
        where = (
            f" (the gateway proxies in {describe_namespaces(gateways)} look DestinationRules "
            "up from their own namespace)"
            if gateways
            else ""
        )
        message = (
            f"subset {subset!r} of host {host!r} is not defined: no DestinationRule for "
            f"{host!r} applies to the clients of this route{where}; their requests get 503; "
            f"add a DestinationRule for {host!r} with subset {subset!r} visible there"
        )
        return message, _not_applying(mesh, destination)
    defined = quoted_list(entry.subsets) if entry.subsets else "none"
    shown = (r.display for r in entry.rules)
    message = (
        f"subset {subset!r} is not defined by the DestinationRule for host {host!r} "
        f"({quoted_list(shown, ordered=True, quote=False)}; subsets: {defined})"
        f"{suggest(subset, entry.subsets)}; fix the name or add the subset there"
    )
    return message, [
        related(r, ("spec", "subsets"), f"subsets of {r.display}") for r in entry.rules
    ]
