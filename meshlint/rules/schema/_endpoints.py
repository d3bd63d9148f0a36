"""Workload addresses as Istio's ``validateWorkloadEntry`` checks them, shared by the
WorkloadEntry rule and the ServiceEntry rule (whose STATIC endpoints are workload entries).

What the CRDs' CEL rules already refuse is left to them: an endpoint with neither `address`
nor `network`, a Unix socket path that is not absolute, ports on a Unix socket endpoint, port
names and numbers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from meshlint.istio.addresses import UNIX_PREFIX, ip_problem, label_problems
from meshlint.istio.dnsnames import fqdn_problem

__all__ = ["endpoint_label_problems", "undefined_port_problems", "workload_entry_problems"]

Problem = tuple[tuple[object, ...], str]


def endpoint_label_problems(entry: Mapping) -> Iterator[Problem]:
    """``labels.Instance.Validate``: label keys and values in Kubernetes syntax."""
    labels = entry.get("labels")
    if isinstance(labels, dict):
        for key, reason in label_problems(labels):
            yield ("labels", key), f"{reason}; Istio refuses it"


def undefined_port_problems(entry: Mapping, service_ports: Collection[str]) -> Iterator[Problem]:
    """Endpoint ports must be named after a port of the ServiceEntry."""
    ports = entry.get("ports")
    if not isinstance(ports, dict):
        return
    for name in ports:
        if isinstance(name, str) and name not in service_ports:
            known = ", ".join(repr(p) for p in sorted(service_ports)) or "none"
            yield (
                ("ports", name),
                f"endpoint port {name!r} is not a port of the ServiceEntry (its ports: {known}); "
                "name the endpoint port after one of them",
            )


def workload_entry_problems(
    entry: Mapping, service_ports: Collection[str] | None, allow_fqdn: bool
) -> Iterator[Problem]:
    """``(path inside the entry, message)`` for each error of ``validateWorkloadEntry``.

    ``service_ports`` are the port names of the ServiceEntry the entry is an endpoint of
    (None for a WorkloadEntry); ``allow_fqdn`` is False for STATIC endpoints, which must be
    IP addresses or Unix sockets."""
    address = entry.get("address")
    if not isinstance(address, str):
        address = ""
    if "address" in entry and not address and not entry.get("network"):
        yield ("address",), "the address is empty; give an IP address or host name"
        return
    if address.startswith(UNIX_PREFIX):
        if service_ports is not None and len(service_ports) != 1:
            yield (
                ("address",),
                "a Unix socket endpoint needs a ServiceEntry with exactly one port, "
                f"this one has {len(service_ports)}",
            )
    elif address and ip_problem(address):
        if not allow_fqdn:
            yield (
                ("address",),
                f"address {address!r} is not an IP address, which a STATIC ServiceEntry "
                "needs; use resolution DNS for host names",
            )
        else:
            problem = fqdn_problem(address)
            if problem:
                yield (
                    ("address",),
                    f"address {address!r} is neither an IP address nor a host name ({problem})",
                )
    if service_ports is not None:
        yield from undefined_port_problems(entry, service_ports)
    yield from endpoint_label_problems(entry)
