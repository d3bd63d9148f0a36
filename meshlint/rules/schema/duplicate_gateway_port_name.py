"""Two servers of one Gateway use the same port name.

Istio's webhook requires the port names of a Gateway's servers to be unique (`port names in
servers must be unique`): the name identifies the server, for example in the generated
listener and route names. It happens when a server block is copied to add a host or a port.
Servers on the same port number with different names are fine; names are only compared within
one Gateway, as the webhook does.

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
    hosts: [shop.example.com]
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: [admin.example.com]
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
    hosts: [shop.example.com]
  - port: {number: 8080, name: http-admin, protocol: HTTP}
    hosts: [admin.example.com]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML529",
    name="duplicate-gateway-port-name",
    severity=Severity.ERROR,
    summary="Two servers of one Gateway share a port name.",
    kinds=("Gateway",),
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for gateway in mesh.of_type(K.GATEWAY):
        servers = gateway.spec.get("servers")
        if not isinstance(servers, list):
            continue
        first: dict[str, int] = {}
        for index, server in enumerate(servers):
            port = server.get("port") if isinstance(server, dict) else None
            name = port.get("name") if isinstance(port, dict) else None
            if not isinstance(name, str) or not name:
                continue
            if name not in first:
                first[name] = index
                continue
            earlier = ("spec", "servers", first[name], "port", "name")
            yield report(
                RULE,
                gateway,
                ("spec", "servers", index, "port", "name"),
                f"port name {name!r} is already used by servers[{first[name]}]; Istio requires "
                f"unique port names within a Gateway. Rename it (e.g. {name}-{index})",
                [related(gateway, earlier, f"first server with port name {name!r}")],
            )
