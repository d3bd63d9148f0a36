"""ServiceEntry ports grouped by host and port number, for the rules that compare entries
that are visible in a common namespace."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from meshlint.facts.graph import Mesh
from meshlint.facts.memo import fact
from meshlint.facts.traffic import export_scope
from meshlint.input.resources import K, Resource

__all__ = ["SharedPort", "entry_scope", "port_groups", "shared_ports"]


@dataclass(frozen=True, slots=True)
class SharedPort:
    entry: Resource
    path: tuple[object, ...]  # to the port mapping
    protocol: str | None


@fact
def entry_scope(mesh: Mesh, entry: Resource) -> frozenset[str] | None:
    """``export_scope`` of a ServiceEntry, worked out once per run."""
    return export_scope(entry)


def _visible_with_another(mesh: Mesh, items: list[SharedPort]) -> list[SharedPort]:
    """The items whose entry is visible together with another entry of ``items``, found by
    counting the entries each namespace sees instead of comparing every pair."""
    scopes = {id(item.entry): entry_scope(mesh, item.entry) for item in items}
    # An empty scope (exported only to "~") is seen nowhere: it meets no other entry.
    visible = [scope for scope in scopes.values() if scope is None or scope]
    everywhere = sum(scope is None for scope in visible)
    seen_in: dict[str, int] = defaultdict(int)  # namespace -> entries exported to it
    for scope in visible:
        for namespace in scope or ():
            seen_in[namespace] += 1

    def visible_with_another(item: SharedPort) -> bool:
        scope = scopes[id(item.entry)]
        if scope is None:
            return len(visible) > 1
        return bool(scope) and (everywhere > 0 or any(seen_in[n] > 1 for n in scope))

    return [item for item in items if visible_with_another(item)]


def shared_ports(mesh: Mesh) -> dict[tuple[str, int], list[SharedPort]]:
    """``(host, number)`` -> the ports of two or more mutually visible ServiceEntries."""
    result = {}
    for key, items in port_groups(mesh).items():
        kept = _visible_with_another(mesh, items) if len(items) > 1 else []
        if kept:
            result[key] = kept
    return result


def port_groups(mesh: Mesh) -> dict[tuple[str, int], list[SharedPort]]:
    """``(host, number)`` -> every ServiceEntry port declared for it."""
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
    return groups
