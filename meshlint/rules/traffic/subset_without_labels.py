"""A DestinationRule subset without `labels`.

A subset is meant to pick a group of the host's endpoints (a version, a region). Without
labels it picks all of them, so a canary split between subsets `v1` and `v2` where one has no
labels sends "v2" traffic to every version. Sometimes it is intended (a subset only to attach
a different traffic policy); say so by giving it a selecting label, or use `portLevelSettings`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
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
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML222",
    name="subset-without-labels",
    severity=Severity.INFO,
    summary="A DestinationRule subset with no labels, which selects every endpoint.",
    kinds=("DestinationRule",),
    refs=("KIA0209",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for rule in mesh.of_type(K.DESTINATION_RULE):
        subsets = rule.spec.get("subsets")
        for index, subset in enumerate(subsets if isinstance(subsets, list) else ()):
            if not isinstance(subset, dict) or subset.get("labels"):
                continue
            message = (
                f"subset {subset.get('name')!r} has no labels, so it selects every endpoint "
                f"of {rule.spec.get('host')!r}; add the labels that pick its pods"
            )
            yield report(RULE, rule, ("spec", "subsets", index), message)
