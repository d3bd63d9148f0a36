"""Two Gateways on the same proxies serve different hosts with the same certificate Secret.

When one certificate (typically a wildcard) is presented for several hosts that are defined
in separate Gateways, browsers reuse one HTTP/2 connection for all of them (connection
coalescing). The proxy then receives a request for a host whose server belongs to the other
Gateway on a connection negotiated for this one, and answers 404. Put the hosts that share a
certificate into one server of one Gateway. Istio reports the Gateway whose selector is
contained in the other's, since its proxies carry both servers.

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
    tls: {mode: SIMPLE, credentialName: wildcard-example-com}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: blog, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["blog.example.com"]
    tls: {mode: SIMPLE, credentialName: wildcard-example-com}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: sites, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com", "blog.example.com"]
    tls: {mode: SIMPLE, credentialName: wildcard-example-com}
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import gateway_selector, selects
from meshlint.facts.traffic import Server, credential_names
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML216",
    name="duplicate-gateway-certificate",
    severity=Severity.WARNING,
    summary="Gateways on the same proxies that share one TLS certificate Secret.",
    kinds=("Gateway",),
    refs=("IST0138",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    users: dict[str, list[tuple[Resource, Server]]] = defaultdict(list)
    for gateway in mesh.of_type(K.GATEWAY):
        for server, name in credential_names(gateway):
            users[name].append((gateway, server))
    for name, servers in users.items():
        for gateway, server in servers:
            selector = gateway_selector(gateway)
            others = [
                (other, other_server)
                for other, other_server in servers
                if other is not gateway and selects(selector, gateway_selector(other))
            ]
            if not others:
                continue
            names = quoted_list((f"{o.namespace}/{o.name}" for o, _ in others), quote=False)
            message = (
                f"certificate Secret {name!r} is also used by {names} on the same proxies; "
                "with HTTP/2 connection reuse, requests for the other Gateway's hosts can "
                "arrive here and get 404; serve these hosts from one server of one Gateway"
            )
            path = server.path("tls", "credentialName")
            where = [related(o, s.path("tls", "credentialName"), "same Secret") for o, s in others]
            yield report(RULE, gateway, path, message, where)
