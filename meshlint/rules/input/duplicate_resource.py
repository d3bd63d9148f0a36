"""Two documents with the same API group, kind, namespace and name are one object in the
cluster: `kubectl apply -R -f` applies files in path order, so the last definition replaces
the ones before it and they never take effect. Usually one of them is a stale copy, an
alternative kept side by side (Istio's samples keep several `reviews` VirtualServices to
apply one at a time), or a file copied from another environment into the wrong directory.

meshlint analyses the definition that wins and reports the others once per identity, naming
every file. Directories that are different environments are different meshes (see
`meshlint meshes`), so the same name in `clusters/dev` and `clusters/prod` is no duplicate.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v2}}]}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http: [{route: [{destination: {host: reviews, subset: v2}}]}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Location, Severity
from meshlint.rules.base import Rule, quoted_list, report

RULE = Rule(
    code="ML011",
    name="duplicate-resource",
    severity=Severity.WARNING,
    summary="A resource (group, kind, namespace, name) is defined more than once in one mesh.",
)

# Related locations listed per finding; the message counts the rest.
_MAX_RELATED = 20


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for duplicate in mesh.duplicates:
        first, winner = duplicate.definitions[0], duplicate.winner
        line, _ = winner.locate(())
        where = f"{winner.source.path}:{line + 1}"
        count = len(duplicate.definitions)
        files = sorted({d.source.path for d in duplicate.definitions})
        related = []
        for other in duplicate.definitions[1 : _MAX_RELATED + 1]:
            at, column = other.locate(("metadata", "name"))
            role = "the definition that wins" if other is winner else "overwritten"
            related.append(Location(other.source.path, at + 1, column + 1, role))
        message = (
            f"{first.display} is defined {count} times in this mesh "
            f"({quoted_list(files, quote=False)}); "
            f"`kubectl apply -R` applies files in path order, so the last definition "
            f"({where}) wins and the others never take effect. Remove the stale copies, or "
            "if these are alternatives or environments, keep them in separate directories "
            "(see `meshlint meshes`)"
        )
        yield report(RULE, first, ("metadata", "name"), message, related)
