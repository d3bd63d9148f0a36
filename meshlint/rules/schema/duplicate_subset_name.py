"""Two subsets of one DestinationRule have the same name.

Istio's webhook refuses the DestinationRule (`duplicate subset names`). Were it accepted, only
one of the two label sets could back the subset's Envoy cluster, so part of the traffic meant
for a version would go to another. It usually comes from copying a subset block to add a new
version and forgetting to rename it.

## Bad

```yaml
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
  - name: v1
    labels: {version: v2}
```

## Good

```yaml
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
  - name: v2
    labels: {version: v2}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML522",
    name="duplicate-subset-name",
    severity=Severity.ERROR,
    summary="Two subsets of one DestinationRule share a name.",
    kinds=("DestinationRule",),
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for rule in mesh.of_type(K.DESTINATION_RULE):
        subsets = rule.spec.get("subsets")
        if not isinstance(subsets, list):
            continue
        first: dict[str, int] = {}
        for index, subset in enumerate(subsets):
            name = subset.get("name") if isinstance(subset, dict) else None
            if not isinstance(name, str):
                continue
            if name not in first:
                first[name] = index
                continue
            earlier = ("spec", "subsets", first[name], "name")
            yield report(
                RULE,
                rule,
                ("spec", "subsets", index, "name"),
                f"subset {name!r} is defined twice (first at subsets[{first[name]}]); Istio "
                "rejects the DestinationRule. Rename one subset or merge the two",
                [related(rule, earlier, f"first subset {name!r}")],
            )
