"""ServiceEntry ports grouped by host and port number, for the rules that compare entries
that are visible in a common namespace."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from meshlint.graph import Mesh
from meshlint.model import K, Resource
from meshlint.traffic import export_scope, scopes_meet

__all__ = ["SharedPort", "shared_ports", "visible_together"]


@dataclass(frozen=True, slots=True)
class SharedPort:
    entry: Resource
    path: tuple[object, ...]  # to the port mapping
    protocol: str | None


def visible_together(a: Resource, b: Resource) -> bool:
    """Some namespace sees both entries (their export scopes meet)."""
    return scopes_meet(export_scope(a), export_scope(b))


def shared_ports(mesh: Mesh) -> dict[tuple[str, int], list[SharedPort]]:
    """``(host, number)`` -> the ports of two or more mutually visible ServiceEntries."""
    groups: dict[tuple[str, int], list[SharedPort]] = defaultdict(list)
    for entry in mesh.of_type(K.SERVICE_ENTRY):
        hosts, ports = entry.spec.get("hosts"), entry.spec.get("ports")
        if not isinstance(hosts, list) or not isinstance(ports, list):
            continue
        for host in dict.fromkeys(h for h in hosts if isinstance(h, str) and h):
            fqdn = mesh.cluster_fqdn(host, entry.namespace).lower()
            for index, port in enumerate(ports):
                number = port.get("number") if isinstance(port, dict) else None
                if isinstance(number, int) and not isinstance(number, bool):
                    protocol = port.get("protocol")
                    protocol = protocol.upper() if isinstance(protocol, str) else None
                    groups[(fqdn, number)].append(
                        SharedPort(entry, ("spec", "ports", index), protocol)
                    )
    result = {}
    for key, items in groups.items():
        kept = [
            item
            for item in items
            if any(
                o.entry is not item.entry and visible_together(item.entry, o.entry) for o in items
            )
        ]
        if kept:
            result[key] = kept
    return result
