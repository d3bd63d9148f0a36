"""A VirtualService sends traffic to a host that no Service or ServiceEntry defines.

Envoy gets a route to a cluster that does not exist, and every request on that route fails
with a 503 (`NR`/`UH` in the access log). The usual causes are a typo, a Service in another
namespace written with a short name, or a ServiceEntry that is not exported to the
VirtualService's namespace.

Hosts are resolved the way Istio does (`pilot/pkg/model/config.go` `ResolveShortnameToFQDN`):
only a name without a dot is expanded, `reviews` meaning
`reviews.<namespace of the VirtualService>.svc.cluster.local`. Every other name is taken
literally and the route's cluster is named after it (`route.go` `GetDestinationCluster`): the
Kubernetes DNS forms `reviews.shop` and `reviews.shop.svc` name no Service (Envoy does not use
the pod's DNS search path), and a concrete name under a wildcard ServiceEntry
(`api.example.com` under `*.example.com`) has no cluster: only the wildcard has one. Both are
reported with the name that works. `exportTo` and the Service annotation
`networking.istio.io/exportTo` limit where a host is visible, and the host must be visible
from every proxy that gets the route: sidecars in the VirtualService's namespace (or the
namespaces its own `exportTo` names) when it applies to `mesh`, and the proxies of each bound
Gateway, which resolve hosts from their own namespace (`sidecar.go`
`DefaultSidecarScopeForGateway`). Hosts that live outside the analysed files can be declared
with the `known-hosts` setting. A missing host is reported only where the files show they
manage such hosts (a Service of its namespace or of its name, or for names outside the
cluster a ServiceEntry): routes are often applied apart from their Services. istiod's Service
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

## Fix

Renames the host, as written, to the only defined host one edit away (a typo such as
`inventroy` for `inventory`), when there is exactly one; otherwise the message suggests the
nearest name and nothing is rewritten. Unsafe: the route then sends traffic somewhere new.

## Differences from Istio and Kiali

- A concrete destination under a wildcard ServiceEntry (`reviews.eu.bookinfo.com` under
  `*.eu.bookinfo.com`): Istio's DestinationHostAnalyzer matches it by wildcard, but the
  route's cluster is named after the host as written (`GetDestinationCluster`) and only the
  wildcard has a cluster, so meshlint reports it (conformance case
  `virtualServiceDestinationHosts`: reviews-bookinfo-eu).
- Kubernetes DNS forms (`reviews.default`, `reviews.default.svc`) as destination hosts are
  reported: Istio takes them literally, while its analyzers resolve them like Kubernetes
  DNS. No case of Istio's analyzer suite uses them.
- A host nothing defines is reported only where the files show they manage such hosts
  (see above), unless `whole-cluster` is set; Istio's analyzer sees the live cluster.
- A decision that used to differ from Istio now follows it: a destination host must be
  visible wherever the VirtualService is exported (conformance case
  `hello-export-to-bogus`).
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Destination, Mesh
from meshlint.facts.hosts import dns_form_fqdn
from meshlint.facts.traffic import gateway_namespaces, route_namespaces
from meshlint.findings import Finding, Fix, Severity
from meshlint.input.resources import Resource
from meshlint.rules.base import (
    Edit,
    FixSafety,
    Rule,
    fix_for,
    one_edit_away,
    quoted_list,
    related,
    report,
    suggest_defined_host,
)

RULE = Rule(
    code="ML101",
    name="dangling-host",
    severity=Severity.ERROR,
    summary="A route or mirror destination host that no Service or ServiceEntry defines.",
    kinds=("VirtualService",),
    refs=("IST0101", "KIA1101"),
    fix=FixSafety.UNSAFE,
)


def _route_namespaces(mesh: Mesh, vs: Resource) -> list[str | None]:
    """The namespaces whose proxies resolve this VirtualService's destinations
    (``traffic.route_namespaces``); the VirtualService's own namespace stands for every
    namespace it is exported to."""
    sidecars, gateways = route_namespaces(mesh, vs)
    found: list[str | None] = [vs.namespace] if sidecars is None else sorted(sidecars)
    return found + [namespace for namespace in gateways if namespace not in found]


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    domain = mesh.settings.cluster_domain
    for destination in mesh.destinations:
        vs = destination.virtual_service
        namespaces = _route_namespaces(mesh, vs)
        blind = [ns for ns in namespaces if mesh.visible_host(destination, ns) is None]
        if not blind or mesh.is_known_host(destination.candidates):
            continue
        definitions = mesh.host_definitions(destination)
        what = "mirror host" if destination.mirror else "destination host"
        path = (*destination.path, "host")
        if definitions:
            hidden = definitions[0]
            exported = quoted_list(hidden.export_to or (), quote=False)
            where_from = _where(mesh, vs, blind[0])
            message = (
                f"{what} {destination.host!r} is defined by {hidden.resource.display}, but it "
                f"is exported only to [{exported}], not to namespace {blind[0]!r}{where_from}; "
                "export it there (exportTo) or narrow where the VirtualService applies"
            )
            where = [related(hidden.resource, hidden.path, "the host is defined here")]
            yield report(RULE, vs, path, message, where)
            continue
        literal = _literal_form(mesh, destination, domain)
        if literal:
            yield report(RULE, vs, path, f"{what} {destination.host!r} {literal}")
            continue
        if not mesh.manages_host(destination.candidates):
            continue  # the Services are applied from elsewhere: absence of evidence
        full = destination.candidates[-1]
        resolved = f" (resolved as {full!r})" if full != destination.host else ""
        message = (
            f"{what} {destination.host!r}{resolved} is not defined by any Service or "
            f"ServiceEntry{suggest_defined_host(mesh, full)}; fix the host, add the Service "
            "or ServiceEntry, or declare it in `known-hosts` if it lives outside these files"
        )
        yield report(RULE, vs, path, message, fix=_rename(mesh, destination, full, path))


def _rename(mesh: Mesh, destination: Destination, full: str, path: tuple) -> Fix | None:
    """The unsafe fix: the host as written, renamed to the only defined host one edit away
    (a short name against the short names of its namespace's hosts, a full name against the
    full names)."""
    written = destination.host
    if "." in written:
        names = mesh.hosts.names() if written == full else ()
    else:
        suffix = full.partition(".")[2]
        names = [n.partition(".")[0] for n in mesh.hosts.names() if n.partition(".")[2] == suffix]
    name = one_edit_away(written, names)
    if name is None:
        return None
    vs = destination.virtual_service
    return fix_for(vs, f"use host {name!r}", Edit("set", path, name), safe=False)


def _where(mesh: Mesh, vs: Resource, namespace: str | None) -> str:
    """Why routes are resolved from ``namespace``."""
    if namespace in gateway_namespaces(mesh, vs)[1]:
        return (
            ", where a Gateway this VirtualService is bound to runs (a gateway resolves "
            "hosts from its own namespace)"
        )
    return " where this VirtualService applies"


def _literal_form(mesh: Mesh, destination: Destination, domain: str) -> str:
    """The rest of the message for a host Istio takes literally although it looks like
    another name: a Kubernetes DNS form, or a name under a wildcard ServiceEntry."""
    host = destination.host
    fqdn = dns_form_fqdn(host, domain)
    if fqdn and mesh.hosts.lookup([fqdn], exact=True):
        return (
            "is taken literally: Istio expands only names without a dot, and Envoy does not "
            f"use Kubernetes DNS search paths, so no Service is named {host!r} and requests "
            f"get 503; write {fqdn!r}"
        )
    covering = [d for d in mesh.hosts.lookup(destination.candidates) if d.host.startswith("*")]
    if covering:
        wildcard = covering[0]
        return (
            f"falls under {wildcard.host!r} of {wildcard.resource.display}, but Istio builds a "
            f"cluster only for {wildcard.host!r}, not for each name under it, so this route "
            f"gets 503; route to {wildcard.host!r} or add a ServiceEntry for {host!r}"
        )
    return ""
