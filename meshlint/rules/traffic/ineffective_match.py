"""A VirtualService match condition that repeats or is covered by an earlier one.

Istio evaluates conditions in order. A condition identical to an earlier one, or narrower
than it (`prefix: /api/v1/products` after `prefix: /api/v1/product`, a `GET`-only variant
after the same path for all methods), never decides anything: requests it describes are
taken earlier, often by a different destination than the author intended. Remove the
condition or order the specific one first. Conditions covered by a catch-all rule are
reported once, as an unreachable rule.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: products, namespace: shop}
spec:
  hosts: [products]
  http:
  - match:
    - uri: {prefix: /api/v1/product}
    route:
    - destination: {host: products}
  - match:
    - uri: {prefix: /api/v1/products}
    - uri: {prefix: /catalog}
    route:
    - destination: {host: catalog}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: products, namespace: shop}
spec:
  hosts: [products]
  http:
  - match:
    - uri: {prefix: /api/v1/products}
    - uri: {prefix: /catalog}
    route:
    - destination: {host: catalog}
  - match:
    - uri: {prefix: /api/v1/product}
    route:
    - destination: {host: products}
```

## Differences from Istio and Kiali

Conditions covered by earlier prefixes are reported, not only exact repeats; when every
condition of a rule is covered, the rule is also reported unreachable
(`unreachable-route`), where Istio reports a rule unreachable only when its conditions
repeat earlier ones exactly. Conditions after a catch-all rule are not reported here:
their rule is reported once, as unreachable.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.matches import covered_matches
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML214",
    name="ineffective-match",
    severity=Severity.WARNING,
    summary="A match condition that an earlier condition of the same VirtualService covers.",
    kinds=("VirtualService",),
    refs=("IST0131",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        for covered in covered_matches(mesh, vs):
            if covered.match is None or covered.catch_all:
                continue
            section = covered.section
            earlier = ("spec", section, covered.by_rule, "match", covered.by_match)
            name = f"{section}[{covered.by_rule}].match[{covered.by_match}]"
            how = "repeats" if covered.duplicate else "is covered by the broader"
            message = (
                f"this condition {how} {name}, so it never decides where a request goes; "
                "remove it or move the specific condition before the general one"
            )
            path = ("spec", section, covered.rule, "match", covered.match)
            yield report(RULE, vs, path, message, [related(vs, earlier, "decided here")])
