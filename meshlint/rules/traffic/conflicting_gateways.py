"""Two Gateways program the same gateway proxies with clashing servers on one port.

When two Gateways select the same proxies (equal selectors, or one selector contained in the
other) and both open the same port (and bind address), Istio merges their servers
(`mergeGateways` in `pilot/pkg/model/gateway.go`). What happens depends on the protocols:

- Plain-text HTTP servers (HTTP, HTTP2, GRPC; an `httpsRedirect` server is one) merge: they
  share one route table, `http.<port>`, and a host served by both gets the routes of both
  Gateways' VirtualServices (`buildGatewayHTTPRouteConfig`). Not a conflict, not reported.
- Two plain TCP servers, or a plain-text server next to a TLS one (HTTPS, TLS): they cannot
  merge, so Istio skips one of them (it logs "conflict with existing server"): half of the
  configuration silently does nothing.
- Two TLS servers with the same host: Envoy could not tell them apart by SNI, so Istio skips
  the second ("duplicate host names"). TLS servers with distinct hosts share the port by SNI.

Merge the servers into one Gateway, or use distinct ports or hosts. A wildcard next to a
specific host (`*` and `shop.example.com`) is not a conflict: the more specific host wins.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-cert}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop-v2, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-v2-cert}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-cert}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: admin, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["admin.example.com"]
    tls: {mode: SIMPLE, credentialName: admin-cert}
```

## Differences from Istio and Kiali

Reported only where Istio's `mergeGateways` skips a server: two plain TCP servers, a
plain-text server next to a TLS one, or the same host on two TLS servers, on one port and
bind address. Plain HTTP servers on one port merge into one route table
(`buildGatewayHTTPRouteConfig` combines the routes of a host both serve), and a wildcard
next to a specific host (`*` and `shop.example.com`) lets the specific host win, so neither
is reported. Istio's analyzer (IST0145) reports any host overlap on a port.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import gateway_selector, selects
from meshlint.facts.traffic import Server, gateway_servers
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML215",
    name="conflicting-gateways",
    severity=Severity.ERROR,
    summary="Gateways on the same proxies with the same port and a clashing host or protocol.",
    kinds=("Gateway",),
    refs=("IST0145", "KIA0301"),
)


def share_proxies(a: dict[str, str], b: dict[str, str]) -> bool:
    """Do two gateway selectors pick (some of) the same proxies, for certain? When the
    smaller selector picks every pod the larger one picks."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return selects(small, large)


HTTP_FAMILY = frozenset({"HTTP", "HTTP2", "GRPC", "GRPC-WEB", "HTTP_PROXY"})


def _is_tls_server(server: Server) -> bool:
    """gateway.IsTLSServer: TLS settings on a non-HTTP server (HTTPS, TLS); an HTTP server
    with ``tls.httpsRedirect`` is plain text."""
    return bool(server.tls) and server.protocol not in HTTP_FAMILY


def _clash(a: Server, b: Server) -> str | None:
    """Why Istio's mergeGateways skips one of two servers on one port, or None."""
    if a.bind != b.bind or not a.protocol or not b.protocol:
        return None  # no protocol: validateServerPort refuses the server (schema rules)
    a_tls, b_tls = _is_tls_server(a), _is_tls_server(b)
    if not a_tls and not b_tls:
        if a.protocol in HTTP_FAMILY and b.protocol in HTTP_FAMILY:
            return None
        if a.protocol == b.protocol:
            return f"two plain {a.protocol} servers cannot share a port"
        return f"plain-text {a.protocol} and {b.protocol} cannot share a port"
    if a_tls != b_tls:
        plain, tls = (b, a) if a_tls else (a, b)
        return f"plain-text {plain.protocol} next to TLS {tls.protocol}"
    common = {h.lower() for _, h in a.hosts} & {h.lower() for _, h in b.hosts}
    if common:
        return f"host {sorted(common)[0]!r} on two TLS servers: SNI cannot tell them apart"
    return None


class _Group:
    """The servers on one port of the gateways that share one selector, indexed by what
    makes two servers clash, so a server meets only its clashing candidates: many teams'
    Gateways on one shared ingress would otherwise be compared pair by pair."""

    def __init__(self, selector: dict[str, str]) -> None:
        self.selector = selector
        self.members: list[int] = []
        self.by_protocol: dict[str, list[int]] = defaultdict(list)
        self.by_host: dict[str, list[int]] = defaultdict(list)
        self.plain_by_protocol: dict[str, list[int]] = defaultdict(list)

    def add(self, index: int, server: Server) -> None:
        self.members.append(index)
        if server.protocol:
            self.by_protocol[server.protocol].append(index)
            if not _is_tls_server(server):
                self.plain_by_protocol[server.protocol].append(index)
        for _, host in server.hosts:
            self.by_host[host.lower()].append(index)

    def candidates(self, server: Server) -> Iterable[int]:
        """Every member that ``_clash`` finds clashing with ``server`` (and no other)."""
        if server.protocol == "TCP":
            return self.members
        found = set(self.by_protocol.get("TCP", ()))
        if _is_tls_server(server):
            found.update(self.plain_by_protocol.get(server.protocol, ()))
        elif server.protocol not in HTTP_FAMILY:
            found.update(self.by_protocol.get(server.protocol, ()))
        if server.protocol:
            for protocol, members in self.by_protocol.items():
                if protocol != server.protocol:
                    found.update(members)
        for _, host in server.hosts:
            found.update(self.by_host.get(host.lower(), ()))
        return found


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    by_port: dict[int, list[tuple[Resource, dict[str, str], Server]]] = defaultdict(list)
    for gateway in mesh.of_type(K.GATEWAY):
        selector = gateway_selector(gateway)
        for server in gateway_servers(gateway):
            if server.port is not None:
                by_port[server.port].append((gateway, selector, server))
    for port, servers in by_port.items():
        groups: dict[frozenset, _Group] = {}
        for index, (_, selector, server) in enumerate(servers):
            key = frozenset(selector.items())
            if key not in groups:
                groups[key] = _Group(selector)
            groups[key].add(index, server)
        sharing: dict[frozenset, list[_Group]] = {
            key: [g for g in groups.values() if share_proxies(group.selector, g.selector)]
            for key, group in groups.items()
        }
        for gateway, selector, server in servers:
            found = {
                index
                for group in sharing[frozenset(selector.items())]
                for index in group.candidates(server)
            }
            clashes = []
            for index in sorted(found):
                other, _, other_server = servers[index]
                if other is gateway:
                    continue
                reason = _clash(server, other_server)
                if reason is not None:
                    clashes.append((other, other_server, reason))
            if not clashes:
                continue
            names = quoted_list((f"{o.namespace}/{o.name}" for o, _, _ in clashes), quote=False)
            message = (
                f"port {port} clashes with {names} on the same gateway proxies "
                f"({clashes[0][2]}); Istio keeps the server it merges first and skips the "
                "other (mergeGateways), so one of them does nothing; merge them into one "
                "Gateway or use distinct ports or hosts"
            )
            where = [related(o, s.path("port", "number"), "clashing server") for o, s, _ in clashes]
            path = server.path("port", "number")
            yield report(RULE, gateway, path, message, where)
