"""A VirtualService route rule that no request can ever reach.

Istio tries the rules of a VirtualService in order and the first whose conditions match
wins. A rule placed after a catch-all rule (one without `match`, or matching `prefix: /`
only), or whose every condition repeats or is covered by an earlier one (`prefix: /api`
before `prefix: /api/v1`), never receives traffic: its destinations, retries and faults are
dead configuration, and the traffic it was written for goes elsewhere. Move the more specific
rule first, or remove it.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - match:
    - uri: {prefix: /api}
    route:
    - destination: {host: api}
  - match:
    - uri: {prefix: /api/v2}
    route:
    - destination: {host: api-v2}
  - route:
    - destination: {host: web}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - match:
    - uri: {prefix: /api/v2}
    route:
    - destination: {host: api-v2}
  - match:
    - uri: {prefix: /api}
    route:
    - destination: {host: api}
  - route:
    - destination: {host: web}
```

## Differences from Istio and Kiali

A rule whose every condition is covered by earlier prefixes is reported unreachable
(IST0130) as well as each condition ineffective (IST0131, `ineffective-match`); Istio
reports a rule unreachable only when its conditions repeat earlier ones exactly
(conformance case `dupmatches`: overlapping-in-two-matches). Rules after a catch-all rule
are reported once, as unreachable, even when they have conditions; Istio only reports a
second rule without conditions.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.matches import covered_matches
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML213",
    name="unreachable-route",
    severity=Severity.ERROR,
    summary="A route rule that an earlier rule of the same VirtualService always pre-empts.",
    kinds=("VirtualService",),
    refs=("IST0130",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        done: set[tuple[str, int]] = set()
        for covered in covered_matches(mesh, vs):
            key = (covered.section, covered.rule)
            if not covered.whole_rule or key in done:
                continue
            done.add(key)
            earlier = f"{covered.section}[{covered.by_rule}]"
            if covered.catch_all:
                reason = f"the earlier rule {earlier} matches every request"
            elif covered.duplicate:
                reason = "each of its conditions repeats an earlier one"
            else:
                reason = "each of its conditions is covered by an earlier, broader one"
            message = (
                f"rule {covered.section}[{covered.rule}] is never reached: {reason}; move it "
                "before the rule that takes its traffic, or remove it"
            )
            path = ("spec", covered.section, covered.rule)
            where = [related(vs, ("spec", covered.section, covered.by_rule), "taken here")]
            yield report(RULE, vs, path, message, where)
