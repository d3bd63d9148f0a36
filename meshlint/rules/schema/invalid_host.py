"""A host name Istio's webhook refuses.

Hosts are DNS names: RFC 1123 labels separated by dots, with `*` allowed only as the leftmost
label (`*.example.com`, or `*` alone). `foo.*.com`, `api_v1.example.com` or a name ending in a
numeric label are refused, and so are, by kind: a ServiceEntry host or a destination host
that is just `*`; a Gateway server host or Sidecar egress host that is a short name, a partial
wildcard (`*foo.com`) or has a bad `namespace/` part (Sidecar hosts must have one); and a TLS
`sniHosts` entry that none of the VirtualService's hosts covers. IP addresses are accepted
where Istio accepts them (VirtualService and Gateway hosts).

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: public
  namespace: edge
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop/foo.*.example.com"]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: public
  namespace: edge
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop/*.example.com", "./api.example.com", "*"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.fieldwalk import find
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.istio.dnsnames import is_ip, namespace_host_problem, wildcard_domain_problem
from meshlint.rules.base import Rule, quoted_list, report

RULE = Rule(
    code="ML530",
    name="invalid-host",
    severity=Severity.ERROR,
    summary="A host name that Istio refuses (bad label, misplaced '*', bad namespace/ part).",
    kinds=("VirtualService", "DestinationRule", "ServiceEntry", "Gateway", "Sidecar"),
    refs=("IST0106",),
)

FIX = "use a DNS name like reviews.shop.svc.cluster.local or *.example.com"


def _strings(resource: Resource, pattern: str) -> Iterator[tuple[tuple[object, ...], str]]:
    for path, value in find(resource.body, pattern):
        if isinstance(value, str):
            yield path, value


def _domain(
    resource: Resource, path: tuple[object, ...], host: str, ip_ok: bool, star_ok: bool
) -> Finding | None:
    if host == "*" and not star_ok:
        where = "destination" if path[-1] == "host" else "host"
        return report(
            RULE,
            resource,
            path,
            f"host '*' is not allowed as a {resource.kind} {where}; name the host "
            "(a wildcard such as '*.example.com' is fine)",
        )
    problem = wildcard_domain_problem(host)
    if problem is None or (ip_ok and is_ip(host)):
        return None
    return report(RULE, resource, path, f"host {host!r} is not a valid host name: {problem}; {FIX}")


def _covers(host: str, sni: str) -> bool:
    """Istio's ``SubsetOf``: ``sni`` is within ``host``."""
    if sni.startswith("*"):
        return host.startswith("*") and len(sni) >= len(host) and sni[1:].endswith(host[1:])
    return sni.endswith(host[1:]) if host.startswith("*") else sni == host


def _virtual_service(vs: Resource) -> Iterator[Finding]:
    gateways = vs.spec.get("gateways")
    gateway_only = isinstance(gateways, list) and bool(gateways) and "mesh" not in gateways
    snis = list(_strings(vs, "spec.tls[].match[].sniHosts[]"))
    hosts = []
    for path, host in _strings(vs, "spec.hosts[]"):
        hosts.append(host.lower())
        if gateway_only and snis and host.startswith("outbound_"):
            continue  # the auto-generated SNI form Istio allows behind AUTO_PASSTHROUGH
        finding = _domain(vs, path, host, ip_ok=True, star_ok=True)
        if finding:
            yield finding
    for path, sni in snis:
        if (gateway_only and sni.startswith("outbound_")) or is_ip(sni):
            continue
        finding = _domain(vs, path, sni, ip_ok=False, star_ok=True)
        if finding:
            yield finding
        elif hosts and not any(_covers(h, sni.lower()) for h in hosts):
            yield report(
                RULE,
                vs,
                path,
                f"sniHost {sni!r} is not covered by any host of the VirtualService "
                f"({quoted_list(hosts, ordered=True, quote=False)}); add it to hosts or fix "
                "the sniHost",
            )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        yield from _virtual_service(vs)
    for destination in mesh.destinations:
        path = (*destination.path, "host")
        finding = _domain(destination.virtual_service, path, destination.host, False, False)
        if finding:
            yield finding
    for rule in mesh.of_type(K.DESTINATION_RULE):
        for path, host in _strings(rule, "spec.host"):
            finding = _domain(rule, path, host, ip_ok=False, star_ok=True)
            if finding:
                yield finding
    for entry in mesh.of_type(K.SERVICE_ENTRY):
        for path, host in _strings(entry, "spec.hosts[]"):
            finding = _domain(entry, path, host, ip_ok=False, star_ok=False)
            if finding:
                yield finding
    for kind, pattern, gateway in (
        (K.GATEWAY, "spec.servers[].hosts[]", True),
        (K.SIDECAR, "spec.egress[].hosts[]", False),
    ):
        for resource in mesh.of_type(kind):
            for path, host in _strings(resource, pattern):
                problem = namespace_host_problem(host, gateway)
                if problem:
                    yield report(RULE, resource, path, f"host {host!r} is refused: {problem}")
