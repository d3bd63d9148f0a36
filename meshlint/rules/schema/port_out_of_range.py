"""A port number outside 1-65535.

The API server and Istio's webhook refuse port numbers that are not valid TCP/UDP ports, and
`0` where a real port is required. Typical causes are a typo (`80800`), a placeholder left
from a template (`0`), or a port copied from a range. Checked: Gateway server ports,
ServiceEntry ports, target ports and endpoint ports, WorkloadEntry and WorkloadGroup ports and
probes, VirtualService match ports, destination ports and redirect ports, Sidecar listener
ports, the egress proxy and default endpoints, DestinationRule tunnel target ports,
PeerAuthentication `portLevelMtls` keys and WasmPlugin match ports. A match port of `0`, or a
Gateway/Sidecar port `0` bound to a Unix socket, means "unset" and is accepted.

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
  - port: {number: 80800, name: http, protocol: HTTP}
    hosts: ["*.example.com"]
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
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*.example.com"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.fieldwalk import FieldSet, find
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import EXTENSIONS, NETWORKING, K, Kind, Resource
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML521",
    name="port-out-of-range",
    severity=Severity.ERROR,
    summary="A port number outside 1-65535.",
    kinds=(
        "Gateway",
        "ServiceEntry",
        "WorkloadEntry",
        "WorkloadGroup",
        "VirtualService",
        "Sidecar",
        "DestinationRule",
        "PeerAuthentication",
        "WasmPlugin",
    ),
    refs=("IST0106",),
)

WORKLOAD_GROUP = Kind(NETWORKING, "WorkloadGroup")
WASM_PLUGIN = Kind(EXTENSIONS, "WasmPlugin")
UNIX = "unix://"

# Fields where 0 means "not set" are listed as optional.
REQUIRED: dict[Kind, tuple[str, ...]] = {
    K.SERVICE_ENTRY: ("spec.ports[].number", "spec.ports[].targetPort", "spec.endpoints[].ports{}"),
    K.WORKLOAD_ENTRY: ("spec.ports{}",),
    WORKLOAD_GROUP: (
        "spec.template.ports{}",
        "spec.probe.httpGet.port",
        "spec.probe.tcpSocket.port",
        "spec.probe.grpc.port",
    ),
    K.VIRTUAL_SERVICE: (
        "spec.http[].route[].destination.port.number",
        "spec.tcp[].route[].destination.port.number",
        "spec.tls[].route[].destination.port.number",
        "spec.http[].mirror.port.number",
        "spec.http[].mirrors[].destination.port.number",
    ),
    K.SIDECAR: (
        "spec.ingress[].port.number",
        "spec.outboundTrafficPolicy.egressProxy.port.number",
    ),
    K.DESTINATION_RULE: (
        "spec.trafficPolicy.tunnel.targetPort",
        "spec.subsets[].trafficPolicy.tunnel.targetPort",
    ),
    WASM_PLUGIN: ("spec.match[].ports[].number",),
}
OPTIONAL: dict[Kind, tuple[str, ...]] = {
    K.VIRTUAL_SERVICE: (
        "spec.http[].match[].port",
        "spec.tcp[].match[].port",
        "spec.tls[].match[].port",
        "spec.http[].redirect.port",
    ),
}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _message(field: object, number: int) -> str:
    return f"port {field} is {number}; a port must be between 1 and 65535. Use a valid port number"


_COMPILED = {
    kind: FieldSet(
        {
            **dict.fromkeys(REQUIRED.get(kind, ()), False),
            **dict.fromkeys(OPTIONAL.get(kind, ()), True),
        }
    )
    for kind in {**REQUIRED, **OPTIONAL}
}


def _numbers(resource: Resource, fields: FieldSet) -> Iterator[Finding]:
    for zero_ok, path, value in fields.find(resource.body):
        if not _is_int(value) or 1 <= value <= 65535 or (zero_ok and value == 0):
            continue
        yield report(RULE, resource, path, _message(path[-1], value))


def _bound_ports(resource: Resource, pattern: str) -> Iterator[Finding]:
    """Gateway servers and Sidecar egress listeners: 0 only with a unix:// bind."""
    for path, holder in find(resource.body, pattern):
        if not isinstance(holder, dict) or not isinstance(holder.get("port"), dict):
            continue
        number = holder["port"].get("number")
        bind = holder.get("bind")
        unix = isinstance(bind, str) and bind.startswith(UNIX)
        if not _is_int(number) or 1 <= number <= 65535 or (number == 0 and unix):
            continue
        hint = "; 0 is only allowed with a unix:// bind" if number == 0 else ""
        yield report(RULE, resource, (*path, "port", "number"), _message("number", number) + hint)


def _keyed_ports(resource: Resource) -> Iterator[Finding]:
    """PeerAuthentication portLevelMtls: the map keys are the ports."""
    levels = resource.spec.get("portLevelMtls")
    if not isinstance(levels, dict):
        return
    for key in levels:
        text = str(key).strip()
        if text.isdigit() and 1 <= int(text) <= 65535:
            continue
        yield report(
            RULE,
            resource,
            ("spec", "portLevelMtls", key),
            f"portLevelMtls key {text!r} is not a port between 1 and 65535; use the workload's "
            "port number as the key",
        )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for kind, fields in _COMPILED.items():
        for resource in mesh.of_type(kind):
            yield from _numbers(resource, fields)
    for gateway in mesh.of_type(K.GATEWAY):
        yield from _bound_ports(gateway, "spec.servers[]")
    for sidecar in mesh.of_type(K.SIDECAR):
        yield from _bound_ports(sidecar, "spec.egress[]")
        for path, endpoint in find(sidecar.body, "spec.ingress[].defaultEndpoint"):
            if isinstance(endpoint, str) and not endpoint.startswith(UNIX) and ":" in endpoint:
                port = endpoint.rpartition(":")[2]
                if not port.isdigit() or not 1 <= int(port) <= 65535:
                    yield report(
                        RULE,
                        sidecar,
                        path,
                        f"defaultEndpoint {endpoint!r} has port {port!r}; a port must be "
                        "between 1 and 65535 (e.g. 127.0.0.1:8080)",
                    )
    for policy in mesh.of_type(K.PEER_AUTHENTICATION):
        yield from _keyed_ports(policy)
