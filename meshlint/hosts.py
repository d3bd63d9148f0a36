"""Host names as Istio resolves them, and a table of the hosts a mesh defines.

A short name ``reviews`` means ``reviews.<namespace>.svc.<domain>``; ``reviews.shop`` and
``reviews.shop.svc`` are the Kubernetes DNS forms of the same Service; a wildcard
``*.example.com`` matches any name that ends at a label boundary in ``.example.com``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from meshlint.model import Resource

__all__ = ["HostDef", "HostTable", "export_set", "host_candidates", "to_fqdn", "visible"]


def to_fqdn(host: str, namespace: str | None, domain: str) -> str:
    """The name Istio uses for ``host`` written in ``namespace``."""
    if "." in host or host.startswith("*") or not namespace:
        return host
    return f"{host}.{namespace}.svc.{domain}"


def host_candidates(host: str, namespace: str | None, domain: str) -> tuple[str, ...]:
    """Every full name that ``host``, as written in ``namespace``, may stand for."""
    if "." not in host:
        return (to_fqdn(host, namespace, domain),)
    if host.endswith(".svc"):
        return (host, f"{host}.{domain}")
    if host.count(".") == 1 and not host.startswith("*"):
        return (host, f"{host}.svc.{domain}")
    return (host,)


def export_set(value: object) -> frozenset[str] | None:
    """``exportTo`` as a set; None when unset (the mesh default: everywhere)."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list):
        return None
    items = frozenset(v for v in value if isinstance(v, str) and v)
    return items or None


def visible(export_to: frozenset[str] | None, owner_ns: str | None, from_ns: str | None) -> bool:
    """Is a resource in ``owner_ns`` exported as ``export_to`` visible in ``from_ns``?"""
    if export_to is None or "*" in export_to:
        return True
    if "." in export_to and owner_ns == from_ns:
        return True
    return from_ns in export_to


@dataclass(frozen=True, slots=True)
class HostDef:
    """A host that a Service or ServiceEntry defines."""

    host: str
    resource: Resource
    export_to: frozenset[str] | None
    path: tuple[object, ...]

    def visible_from(self, namespace: str | None) -> bool:
        return visible(self.export_to, self.resource.namespace, namespace)


class HostTable:
    """Defined hosts, found by exact name or by wildcard suffix in O(labels)."""

    def __init__(self) -> None:
        self.exact: dict[str, list[HostDef]] = {}
        self.suffixes: dict[str, list[HostDef]] = {}  # ".example.com" for "*.example.com"
        self.everything: list[HostDef] = []

    def add(self, definition: HostDef) -> None:
        host = definition.host
        if host == "*":
            self.everything.append(definition)
        elif host.startswith("*."):
            self.suffixes.setdefault(host[1:], []).append(definition)
        else:
            self.exact.setdefault(host, []).append(definition)

    def lookup(self, names: Iterable[str]) -> list[HostDef]:
        """All definitions that cover any of ``names``."""
        found: list[HostDef] = []
        for name in names:
            found += self.exact.get(name, ())
            if name.startswith("*."):
                found += self.suffixes.get(name[1:], ())
                name = name[2:]
            index = name.find(".")
            while index != -1:
                found += self.suffixes.get(name[index:], ())
                index = name.find(".", index + 1)
        found += self.everything
        return found

    def names(self) -> list[str]:
        return [*self.exact, *("*" + s for s in self.suffixes)]
