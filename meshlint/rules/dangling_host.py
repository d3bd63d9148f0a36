"""A VirtualService sends traffic to a host that no Service or ServiceEntry defines.

Envoy gets a route to a cluster that does not exist, and every request on that route fails
with a 503 (`NR`/`UH` in the access log). The usual causes are a typo, a Service in another
namespace written with a short name, or a ServiceEntry that is not exported to the
VirtualService's namespace.

Hosts are resolved the way Istio and Kubernetes DNS do: `reviews` means
`reviews.<namespace of the VirtualService>.svc.cluster.local`; `reviews.shop`,
`reviews.shop.svc` and the full name all name the same Service; ServiceEntry hosts count,
wildcards (`*.example.com`) included; `exportTo` and the Service annotation
`networking.istio.io/exportTo` limit where a host is visible, and the host must be visible
wherever the VirtualService itself applies (its namespace, or the namespaces its own
`exportTo` names). Hosts that live outside the analysed files can be declared with the
`known-hosts` setting. A host is reported only where the files show they manage such hosts
(a Service of its namespace or of its name, or for names outside the cluster a
ServiceEntry): routes are often applied apart from their Services. istiod's Service
(`istiod.istio-system`, `istiod-<rev>`) exists wherever Istio runs.

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
        host: reviewz
---
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
spec:
  ports: [{name: http, port: 9080}]
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
        host: reviews.shop.svc.cluster.local
---
apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
spec:
  ports: [{name: http, port: 9080}]
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.hosts import export_set
from meshlint.model import Resource
from meshlint.rules.base import Rule, closest, related, report, suggest

RULE = Rule(
    code="ML101",
    name="dangling-host",
    severity=Severity.ERROR,
    summary="A route or mirror destination host that no Service or ServiceEntry defines.",
    kinds=("VirtualService",),
    refs=("IST0101", "KIA1101"),
)


class _HostNames:
    """The defined host names, grouped for suggestions: by each suffix after a dot, the
    names ending in ``.suffix`` keyed by what comes before it. Built once per run, so a tree
    with many dangling hosts does not scan every name for each of them."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.suggestions: dict[str, str] = {}
        self.by_suffix: dict[str, dict[str, str]] = defaultdict(dict)
        for name in names:
            dot = name.find(".")
            while dot >= 0:
                self.by_suffix[name[dot + 1 :]][name[:dot]] = name
                dot = name.find(".", dot + 1)

    def suggestion(self, full: str) -> str:
        """Compare only what differs: hosts of the same namespace by their first label. A
        host dangling in many routes (a copied typo) is compared once."""
        if full not in self.suggestions:
            self.suggestions[full] = self._suggestion(full)
        return self.suggestions[full]

    def _suggestion(self, full: str) -> str:
        first, dot, suffix = full.partition(".")
        if not dot:
            return suggest(full, self.names)
        siblings = self.by_suffix.get(suffix, {})
        close = closest(first, siblings)
        if close:
            return f" (did you mean {siblings[close]!r}?)"
        same_suffix = set(siblings.values())
        return suggest(full, [n for n in self.names if n not in same_suffix])


def consumers(vs: Resource) -> list[str | None]:
    """The namespaces whose proxies get this VirtualService's routes: its own, or the
    namespaces its ``exportTo`` names."""
    export_to = export_set(vs.spec.get("exportTo"))
    if export_to is None or "*" in export_to:
        return [vs.namespace]
    names = {vs.namespace if entry == "." else entry for entry in export_to if entry != "~"}
    return sorted(names, key=str)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    host_names: _HostNames | None = None
    for destination in mesh.destinations:
        vs = destination.virtual_service
        candidates = destination.candidates
        blind = [ns for ns in consumers(vs) if mesh.hosts.first_visible(candidates, ns) is None]
        if not blind or mesh.is_known_host(destination.candidates):
            continue
        definitions = mesh.host_definitions(destination)
        what = "mirror host" if destination.mirror else "destination host"
        path = (*destination.path, "host")
        if definitions:
            hidden = definitions[0]
            exported = ", ".join(sorted(hidden.export_to or ()))
            message = (
                f"{what} {destination.host!r} is defined by {hidden.resource.display}, but it "
                f"is exported only to [{exported}], not to namespace {blind[0]!r} where this "
                f"VirtualService applies; export it there (exportTo) or narrow the "
                "VirtualService's exportTo"
            )
            where = [related(hidden.resource, hidden.path, "the host is defined here")]
            yield report(RULE, vs, path, message, where)
            continue
        if not mesh.manages_host(candidates):
            continue  # the Services are applied from elsewhere: absence of evidence
        full = destination.candidates[-1]
        if host_names is None:
            host_names = _HostNames(mesh.hosts.names())
        resolved = f" (resolved as {full!r})" if full != destination.host else ""
        message = (
            f"{what} {destination.host!r}{resolved} is not defined by any Service or "
            f"ServiceEntry{host_names.suggestion(full)}; fix the host, add the Service "
            "or ServiceEntry, or declare it in `known-hosts` if it lives outside these files"
        )
        yield report(RULE, vs, path, message)
