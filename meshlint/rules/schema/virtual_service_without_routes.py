"""A VirtualService with none of `http`, `tcp` or `tls`.

Istio's webhook refuses it (`http, tcp or tls must be provided in virtual service`): it routes
nothing. It often comes from an indentation slip that puts the routes under another key, or
from a template whose route section was left out. Delegate VirtualServices (no `hosts`) are
refused the same way: they need `http` routes for the root to delegate to.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
spec:
  hosts: [reviews]
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
    - destination: {host: reviews}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.routes import declared_sections
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML525",
    name="virtual-service-without-routes",
    severity=Severity.ERROR,
    summary="A VirtualService with none of http, tcp or tls routes.",
    kinds=("VirtualService",),
    refs=("IST0106", "KIA1103"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        sections = declared_sections(vs)
        if any(isinstance(rules, list) and rules for rules in sections.values()):
            continue
        if any(not isinstance(rules, list) for rules in sections.values()):
            continue  # a section of the wrong type is the schema rules' business
        empty = next(iter(sections), None)
        path = ("spec", empty) if empty else ("spec",) if "spec" in vs.body else ()
        hosts = vs.spec.get("hosts")
        kind = "delegate VirtualService" if not hosts else "VirtualService"
        what = f"has an empty {empty!r} list" if empty else "has no http, tcp or tls routes"
        yield report(
            RULE,
            vs,
            path,
            f"this {kind} {what}; Istio rejects it because it routes nothing. Add http "
            "(or tcp/tls) routes, or delete the VirtualService",
        )
