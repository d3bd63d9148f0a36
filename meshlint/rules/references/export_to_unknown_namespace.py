"""`exportTo` names a namespace that does not exist.

`exportTo` on a VirtualService, DestinationRule or ServiceEntry (and the Service annotation
`networking.istio.io/exportTo`) lists the namespaces that may see the resource. A misspelt
namespace (`payment` for `payments`) silently hides the resource from the namespace that
needs it, and its routes or policies stop applying there. The rule runs when the namespace
set is known: the analysed files define Namespaces, or the `known-namespaces` setting lists
those that exist elsewhere; every namespace a resource lives in counts as existing.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata: {name: payments}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: bank-api, namespace: payments}
spec:
  hosts: [api.bank.example.com]
  exportTo: [".", payment]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata: {name: payments}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: bank-api, namespace: payments}
spec:
  hosts: [api.bank.example.com]
  exportTo: [".", "*"]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report, suggest

RULE = Rule(
    code="ML120",
    name="export-to-unknown-namespace",
    severity=Severity.WARNING,
    summary="An `exportTo` entry naming a namespace that does not exist.",
    kinds=("VirtualService", "DestinationRule", "ServiceEntry", "Service"),
    refs=("KIA0005",),
)

ANNOTATION = "networking.istio.io/exportTo"


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    declared = [n.name for n in mesh.of_type(K.NAMESPACE)]
    if not declared and not mesh.settings.known_namespaces:
        return
    existing = {*declared, *mesh.settings.known_namespaces}
    existing |= {r.namespace for r in mesh.resources if r.namespace}
    kinds = (K.VIRTUAL_SERVICE, K.DESTINATION_RULE, K.SERVICE_ENTRY, K.SERVICE)
    hints: dict[str, str] = {}
    for resource in mesh.of_type(*kinds):
        if resource.type == K.SERVICE:
            text = resource.annotations.get(ANNOTATION, "")
            entries = [
                (("metadata", "annotations", ANNOTATION), e.strip()) for e in text.split(",")
            ]
        else:
            export = resource.spec.get("exportTo")
            export = export if isinstance(export, list) else []
            entries = [(("spec", "exportTo", i), e) for i, e in enumerate(export)]
        for path, name in entries:
            if not isinstance(name, str) or not name or name in (".", "*", "~"):
                continue
            if name in existing:
                continue
            if name not in hints:  # a wrong name copied into many resources: compared once
                hints[name] = suggest(name, existing)
            message = (
                f"exportTo names namespace {name!r}, which is not among the known namespaces"
                f"{hints[name]}; fix the name, or declare it with "
                "`--known-namespace` if it exists outside these files"
            )
            yield report(RULE, resource, path, message)
