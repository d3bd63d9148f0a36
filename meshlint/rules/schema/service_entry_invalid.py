"""A ServiceEntry whose addresses, ports, endpoints or resolution Istio's webhook refuses.

Istio's `ValidateServiceEntry` (`pkg/config/validation/validation.go`), with
`validateWorkloadEntry` for STATIC endpoints, refuses beyond what the CRD's schema and CEL
rules check (two ports with one name: `schema-duplicate-item`, from the CRD's list-map key):

- an `addresses` entry that is not an IP address or CIDR block;
- a port name that is not a DNS label (`http_web`, empty), a port
  `protocol` that Istio does not know (`HTTPS2`; the name is read without regard to case);
- several `hosts` with a resolution other than NONE and a port that is neither HTTP-like nor
  TLS (TCP, an unset protocol, MONGO...): plain TCP carries no host name, so the proxy could
  not tell the hosts apart;
- resolution STATIC with an endpoint address that is not an IP address or `unix://` socket,
  and a Unix socket endpoint when the ServiceEntry has not exactly one port;
- resolution DNS or DNS_ROUND_ROBIN without endpoints and a wildcard host (there is no name to
  resolve), and endpoints whose address is neither an IP address nor a host name;
- endpoint ports not named after a port of the ServiceEntry, endpoint labels that are not
  valid label keys or values, and `workloadSelector` label keys that are empty or hold `*`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments
  namespace: shop
spec:
  hosts: [api.payments.example, "*.payments.example"]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - {number: 5432, name: tcp, protocol: TCP}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments
  namespace: shop
spec:
  hosts: [api.payments.example]
  location: MESH_EXTERNAL
  resolution: DNS
  ports:
  - {number: 5432, name: tcp, protocol: TCP}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.selectors import selection
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.istio.addresses import cidr_problem, ip_problem
from meshlint.istio.dnsnames import fqdn_problem, is_dns_label, wildcard_domain_problem
from meshlint.istio.protocols import is_http, is_tls, parse_protocol
from meshlint.rules.base import Rule, report
from meshlint.rules.schema._endpoints import (
    endpoint_label_problems,
    undefined_port_problems,
    workload_entry_problems,
)

RULE = Rule(
    code="ML535",
    name="service-entry-invalid",
    severity=Severity.ERROR,
    summary="A ServiceEntry address, port, endpoint or resolution that Istio refuses.",
    kinds=("ServiceEntry",),
    refs=("IST0106",),
)

DNS_MODES = ("DNS", "DNS_ROUND_ROBIN")


def _dicts(value: object) -> list[tuple[int, dict]]:
    items = value if isinstance(value, list) else []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _strings(value: object) -> list[tuple[int, str]]:
    items = value if isinstance(value, list) else []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, str)]


def _ports(entry: Resource) -> Iterator[Finding]:
    for index, port in _dicts(entry.spec.get("ports")):
        at = ("spec", "ports", index)
        name = port.get("name")
        if isinstance(name, str) and not is_dns_label(name):
            yield report(
                RULE,
                entry,
                (*at, "name"),
                f"port name {name!r} must be a DNS label (letters, digits and '-'), e.g. http-api",
            )
        protocol = port.get("protocol")
        if isinstance(protocol, str) and protocol and parse_protocol(protocol) is None:
            yield report(
                RULE,
                entry,
                (*at, "protocol"),
                f"protocol {protocol!r} is not one Istio knows; "
                "use HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TLS, TCP, MONGO, REDIS or MYSQL",
            )


def _many_hosts(entry: Resource, resolution: str) -> Iterator[Finding]:
    hosts = entry.spec.get("hosts")
    if resolution == "NONE" or not isinstance(hosts, list) or len(hosts) < 2:
        return
    for index, port in _dicts(entry.spec.get("ports")):
        protocol = parse_protocol(port.get("protocol"))
        if not is_http(protocol) and not is_tls(protocol):
            shown = protocol or "unset"
            path = ("spec", "ports", index, *(("protocol",) if "protocol" in port else ()))
            yield report(
                RULE,
                entry,
                path,
                f"a ServiceEntry with several hosts and resolution "
                f"{resolution} cannot have a {shown} port (only HTTP or TLS tell the hosts "
                "apart); split it into one ServiceEntry per host",
            )
            return


def _dns_endpoints(entry: Resource, ports: set[str]) -> Iterator[tuple[tuple, str]]:
    for index, endpoint in _dicts(entry.spec.get("endpoints")):
        at = ("spec", "endpoints", index)
        address = endpoint.get("address")
        if "address" not in endpoint:
            if endpoint.get("network"):  # without network the CRD's CEL rule refuses it
                yield at, "an endpoint of a DNS ServiceEntry needs an address (IP or host name)"
        elif address == "":
            yield (*at, "address"), "the address is empty; give an IP address or host name"
        elif isinstance(address, str) and ip_problem(address) and fqdn_problem(address):
            yield (*at, "address"), f"address {address!r} is neither an IP address nor a host name"
        for path, message in (
            *undefined_port_problems(endpoint, ports),
            *endpoint_label_problems(endpoint),
        ):
            yield (*at, *path), message


def _resolution(entry: Resource, resolution: str) -> Iterator[Finding]:
    ports = {
        p["name"] for _, p in _dicts(entry.spec.get("ports")) if isinstance(p.get("name"), str)
    }
    endpoints = _dicts(entry.spec.get("endpoints"))
    if resolution == "STATIC":
        for index, endpoint in endpoints:
            for path, message in workload_entry_problems(endpoint, ports, allow_fqdn=False):
                yield report(RULE, entry, ("spec", "endpoints", index, *path), message)
    elif resolution in DNS_MODES:
        if not entry.spec.get("endpoints"):
            for index, host in _strings(entry.spec.get("hosts")):
                if host != "*" and not wildcard_domain_problem(host) and fqdn_problem(host):
                    yield report(
                        RULE,
                        entry,
                        ("spec", "hosts", index),
                        f"host {host!r} is not a name "
                        f"that resolution {resolution} can resolve; list the names, give "
                        "endpoints, or use resolution NONE",
                    )
        for path, message in _dns_endpoints(entry, ports):
            yield report(RULE, entry, path, message)


def _selector(mesh: Mesh, entry: Resource) -> Iterator[Finding]:
    chosen = selection(mesh, entry)
    for key in chosen.labels or ():
        if key == "" or "*" in key:
            yield report(
                RULE,
                entry,
                (*chosen.path, key),
                f"workloadSelector label key {key!r} must be a label name, without '*'",
            )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for entry in mesh.of_type(K.SERVICE_ENTRY):
        yield from _selector(mesh, entry)
        for index, address in _strings(entry.spec.get("addresses")):
            problem = cidr_problem(address) if address.count("/") == 1 else ip_problem(address)
            if problem:
                yield report(
                    RULE,
                    entry,
                    ("spec", "addresses", index),
                    f"{problem}; addresses are IP addresses or CIDR blocks (10.0.0.1, "
                    "192.168.0.0/16)",
                )
        yield from _ports(entry)
        resolution = entry.spec.get("resolution") or "NONE"
        if isinstance(resolution, str):
            yield from _many_hosts(entry, resolution)
            yield from _resolution(entry, resolution)
