"""A VirtualService is bound to a Gateway that serves none of its hosts.

A Gateway only accepts requests for the hosts its servers list, and it only takes routes
from VirtualServices whose hosts match one of them (respecting the `namespace/host` form,
where `./host` means the Gateway's own namespace). When no host of the VirtualService is
served by the bound Gateway, its routes never reach that gateway and clients get 404s at the
edge. The same applies to a host listed on a VirtualService bound only to gateways: a host no
bound Gateway serves is dead configuration, usually a typo or a forgotten server entry.
Kubernetes Gateway API Gateways (their `listeners[].hostname`) count as well.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: shop}
spec:
  hosts: ["shop.example.org"]
  gateways: [istio-system/web]
  http:
  - route:
    - destination: {host: frontend}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop/*.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: shop}
spec:
  hosts: ["shop.example.com"]
  gateways: [istio-system/web]
  http:
  - route:
    - destination: {host: frontend}
```

## Differences from Istio and Kiali

A VirtualService bound to a Gateway that does not exist gets one finding,
`dangling-gateway`, not a second IST0132 "host not found in gateway" for the same entry,
as Istio's analyzer gives (conformance case `virtualServiceGateways`: httpbin-bogus; the
one IST0132 message of the suite meshlint does not reproduce, on purpose).
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import GatewayRef, Mesh
from meshlint.facts.traffic import OverlapIndex, gateway_servers
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML111",
    name="gateway-host-mismatch",
    severity=Severity.ERROR,
    summary="A VirtualService host that no Gateway it is bound to serves.",
    kinds=("VirtualService",),
    refs=("IST0132",),
)


def served_hosts(gateway: Resource, vs_namespace: str | None) -> list[str]:
    """The hosts ``gateway`` accepts from VirtualServices in ``vs_namespace``."""
    if gateway.type == K.K8S_GATEWAY:
        listeners = gateway.spec.get("listeners")
        hosts = []
        for listener in listeners if isinstance(listeners, list) else ():
            if isinstance(listener, dict):
                hostname = listener.get("hostname")
                hosts.append(hostname if isinstance(hostname, str) and hostname else "*")
        return hosts
    hosts = []
    for server in gateway_servers(gateway):
        for namespace, host in server.hosts:
            if namespace == ".":
                namespace = gateway.namespace
            if namespace in (None, "*") or namespace == vs_namespace:
                hosts.append(host)
    return hosts


def _target(ref: GatewayRef) -> Resource | None:
    """The Istio Gateway the reference names, else the Gateway API Gateway."""
    return ref.gateway or ref.gateway_api


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    bound: dict[int, list[tuple[GatewayRef, Resource | None]]] = {}
    for ref in mesh.gateway_refs:
        if ref.path[:2] == ("spec", "gateways"):
            entry = (ref, _target(ref) if ref.form != "mesh" else None)
            bound.setdefault(id(ref.virtual_service), []).append(entry)
    # The hosts a gateway serves to a namespace, worked out once for all the VirtualServices
    # of that namespace bound to it.
    served_by: dict[tuple[int, str | None], tuple[list[str], OverlapIndex]] = {}
    for refs in bound.values():
        vs = refs[0][0].virtual_service
        hosts = vs.spec.get("hosts")
        hosts = [h for h in hosts if isinstance(h, str) and h] if isinstance(hosts, list) else []
        if not hosts:
            continue
        served_any: set[str] = set()
        for ref, gateway in refs:
            if gateway is None:
                continue
            key = (id(gateway), vs.namespace)
            if key not in served_by:
                served = served_hosts(gateway, vs.namespace)
                served_by[key] = (served, OverlapIndex(served))
            served, index = served_by[key]
            matched = {h for h in hosts if index.first_overlap(h) is not None}
            served_any |= matched
            if matched:
                continue
            accepts = quoted_list(served) if served else "no hosts at all"
            message = (
                f"none of the hosts {quoted_list(hosts)} of {vs.display} is served by "
                f"{gateway.kind} {gateway.namespace}/{gateway.name} (it accepts {accepts} for "
                f"namespace {vs.namespace!r}), so these routes never reach that gateway; add "
                "the host to the Gateway's servers or fix the VirtualService hosts"
            )
            yield report(RULE, vs, ref.path, message, [related(gateway, ("spec",), "gateway")])
        complete = all(g is not None or r.form == "mesh" for r, g in refs)
        to_mesh = any(r.form == "mesh" for r, _ in refs)
        if not served_any or not complete or to_mesh:
            continue
        for index, host in enumerate(vs.spec["hosts"]):
            if isinstance(host, str) and host and host not in served_any:
                message = (
                    f"host {host!r} is served by none of the gateways this VirtualService is "
                    "bound to, so requests for it never reach these routes; add it to a "
                    "Gateway's servers or remove it"
                )
                yield report(RULE, vs, ("spec", "hosts", index), message)
