"""A Gateway or one of its servers in a shape Istio's webhook refuses.

Istio's `ValidateGateway`, `validateServer`, `validateServerPort`, `validateServerBind` and
`validateTLSOptions` (`pkg/config/validation/validation.go`) refuse, beyond what the CRD's
schema and CEL rules check:

- a Gateway name that is not a DNS label (`public.gw`), a Gateway without servers, a server
  with an empty `hosts` list;
- a port `protocol` that Istio does not know (`HTTPS2`, `H2`, `WS`; the name is read without
  regard to case, so `https` is fine), an empty port `name`, a `targetPort` (it has no effect
  on Gateways);
- a `bind` that is neither an IP address nor `unix://` and an absolute socket path, and a
  Unix socket bind with a port number other than 0;
- an HTTPS or TLS server without `tls`, and `tls` on a plain-text server: on an HTTP server
  only a PASSTHROUGH (redirect-only) `tls` without certificate files is allowed, on a TCP,
  Mongo, Redis or MySQL server none at all;
- TLS settings that cannot work: ISTIO_MUTUAL with certificates or a `credentialName`, two
  certificate sources, SIMPLE or MUTUAL without `credentialName` and without the certificate
  and key files (MUTUAL also needs `caCertificates`), `caCrl` with SIMPLE or `credentialName`.

Unknown ports, hosts and duplicate port names have rules of their own (`port-out-of-range`,
`invalid-host`, `duplicate-gateway-port-name`).

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
  - port: {number: 443, name: https, protocol: HTTPS2}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, credentialName: shop-cert}
  - port: {number: 8443, name: https-admin, protocol: HTTPS}
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
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, credentialName: shop-cert}
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
    tls: {httpsRedirect: true}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.istio.addresses import UNIX_PREFIX, ip_problem, unix_address_problem
from meshlint.istio.dnsnames import is_dns_label
from meshlint.istio.protocols import is_http, is_tls, parse_protocol
from meshlint.rules.base import Rule, report
from meshlint.rules.schema._server_tls import tls_mode, tls_options_problems

RULE = Rule(
    code="ML534",
    name="gateway-server-invalid",
    severity=Severity.ERROR,
    summary="A Gateway server with an unknown protocol, a bad bind or TLS settings Istio refuses.",
    kinds=("Gateway",),
    refs=("IST0106",),
)

# A Gateway that Istio generated from a Gateway API resource keeps its own naming rules.
GATEWAY_SEMANTICS = "internal.istio.io/gateway-semantics"


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _port_problems(gateway: Resource, at: tuple, port: dict, bind: str) -> Iterator[Finding]:
    protocol = port.get("protocol")
    if isinstance(protocol, str) and parse_protocol(protocol) is None:
        yield report(
            RULE,
            gateway,
            (*at, "port", "protocol"),
            f"protocol {protocol!r} is not one Istio knows; use HTTP, HTTPS, HTTP2, GRPC, "
            "GRPC-WEB, TLS, TCP, MONGO, REDIS or MYSQL",
        )
    if _int(port.get("targetPort")) > 0:
        yield report(
            RULE,
            gateway,
            (*at, "port", "targetPort"),
            "targetPort has no effect on a Gateway and Istio refuses it; remove it",
        )
    if port.get("name") == "":
        yield report(RULE, gateway, (*at, "port", "name"), "the server port needs a name")
    if bind.startswith(UNIX_PREFIX):
        problem = unix_address_problem(bind[len(UNIX_PREFIX) :])
        if problem:
            yield report(RULE, gateway, (*at, "bind"), f"bind {bind!r}: {problem}")
        if _int(port.get("number")) != 0:
            yield report(
                RULE,
                gateway,
                (*at, "port", "number"),
                "a server bound to a Unix socket must have port number 0",
            )
    elif bind and ip_problem(bind):
        yield report(
            RULE, gateway, (*at, "bind"), f"bind {bind!r} must be an IP address or unix://<path>"
        )


def _port_ok(port: dict, bind: str) -> bool:
    """Whether ``validateServerPort`` passes, which the protocol/TLS check requires."""
    number = _int(port.get("number"))
    number_ok = 1 <= number <= 65535 or (number == 0 and bind.startswith(UNIX_PREFIX))
    return (
        parse_protocol(port.get("protocol")) is not None
        and number_ok
        and _int(port.get("targetPort")) <= 0
        and isinstance(port.get("name"), str)
        and port.get("name") != ""
    )


def _tls_problem(server: dict, port: dict) -> tuple[str, str] | None:
    """``(field, message)`` when the protocol and the presence of ``tls`` do not go together."""
    protocol = parse_protocol(port.get("protocol"))
    tls = server.get("tls")
    if is_tls(protocol):
        if tls is None:
            return "protocol", f"an {protocol} server needs tls settings (mode and certificate)"
        return None
    if not isinstance(tls, dict):
        return None
    if not is_http(protocol):
        return "tls", f"a {protocol} server cannot have tls settings; use protocol TLS or HTTPS"
    files = [key for key in ("caCertificates", "privateKey", "serverCertificate") if tls.get(key)]
    if tls_mode(tls) not in ("PASSTHROUGH", "AUTO_PASSTHROUGH") or files:
        return (
            "tls",
            f"a plain-text {protocol} server can only have tls: {{httpsRedirect: true}}; "
            "terminate TLS on a server with protocol HTTPS",
        )
    return None


def _server(gateway: Resource, index: int, server: dict) -> Iterator[Finding]:
    at = ("spec", "servers", index)
    if server.get("hosts") == []:
        yield report(RULE, gateway, (*at, "hosts"), "a server needs at least one host")
    port = server.get("port")
    bind = server.get("bind") if isinstance(server.get("bind"), str) else ""
    if isinstance(port, dict):
        yield from _port_problems(gateway, at, port, bind)
    tls = server.get("tls")
    if isinstance(tls, dict):
        for path, message in tls_options_problems(tls):
            yield report(RULE, gateway, (*at, "tls", *path), message)
    if isinstance(port, dict) and _port_ok(port, bind):
        problem = _tls_problem(server, port)
        if problem:
            where = (*at, "port", "protocol") if problem[0] == "protocol" else (*at, "tls")
            yield report(RULE, gateway, where, problem[1])


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for gateway in mesh.of_type(K.GATEWAY):
        generated = gateway.annotations.get(GATEWAY_SEMANTICS) == "gateway"
        if not generated and gateway.name and not is_dns_label(gateway.name):
            yield report(
                RULE,
                gateway,
                ("metadata", "name"),
                f"Gateway name {gateway.name!r} must be a DNS label (letters, digits and '-', "
                "no dots); rename it",
            )
        servers = gateway.spec.get("servers")
        if "spec" in gateway.body and (servers is None or servers == []):
            yield report(RULE, gateway, ("spec", "servers"), "a Gateway needs at least one server")
        for index, server in enumerate(servers if isinstance(servers, list) else ()):
            if isinstance(server, dict):
                yield from _server(gateway, index, server)
