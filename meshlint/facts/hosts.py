"""Host names as Istio resolves them, and a table of the hosts a mesh defines.

Istio expands only names without a dot (``pilot/pkg/model/config.go``
``ResolveShortnameToFQDN``): ``reviews`` means ``reviews.<namespace>.svc.<domain>``, and every
other name is taken literally, so the Kubernetes DNS forms ``reviews.shop`` and
``reviews.shop.svc`` name no Service. A wildcard ``*.example.com`` matches any name that ends at
a label boundary in ``.example.com`` where Istio matches hosts (DestinationRules, Sidecar
imports, policies), but a route destination needs the exact name of a service: its cluster is
named after the host as written (``route.go`` ``GetDestinationCluster``).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from meshlint.input.resources import Resource

__all__ = [
    "HostDef",
    "HostTable",
    "dns_form_fqdn",
    "export_set",
    "host_candidates",
    "to_fqdn",
    "visible",
]


def to_fqdn(host: str, namespace: str | None, domain: str) -> str:
    """The name Istio uses for ``host`` written in ``namespace`` (``ResolveShortnameToFQDN``:
    only a name without a dot, that is not ``*`` or an IP address, is expanded)."""
    if "." in host or ":" in host or host.startswith("*") or not namespace:
        return host
    return f"{host}.{namespace}.svc.{domain}"


def host_candidates(host: str, namespace: str | None, domain: str) -> tuple[str, ...]:
    """The full names that ``host``, as written in ``namespace``, stands for: one, since
    Istio takes every name with a dot literally."""
    return (to_fqdn(host, namespace, domain),)


def dns_form_fqdn(host: str, domain: str) -> str | None:
    """For a Kubernetes DNS form that Istio takes literally (``name.namespace`` or
    ``name.namespace.svc``), the full name that means the Service; None for other names."""
    if host.startswith("*") or ":" in host:
        return None
    labels = host.split(".")
    if (len(labels) == 2 or (len(labels) == 3 and labels[2] == "svc")) and all(labels):
        return f"{labels[0]}.{labels[1]}.svc.{domain}"
    return None


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
        # Per list above, by its key: (its length when indexed, positions visible from every
        # namespace, positions by the namespace they are exported to).
        self._exports: dict[tuple[str, ...], tuple[int, list[int], dict]] = {}

    def add(self, definition: HostDef) -> None:
        host = definition.host
        if host == "*":
            self.everything.append(definition)
        elif host.startswith("*."):
            self.suffixes.setdefault(host[1:], []).append(definition)
        else:
            self.exact.setdefault(host, []).append(definition)

    def lookup(self, names: Iterable[str], exact: bool = False) -> list[HostDef]:
        """All definitions that cover any of ``names``; with ``exact``, only those whose host
        is one of ``names`` as written (a wildcard name matches the same wildcard only)."""
        found: list[HostDef] = []
        for _, group in self._groups(names, exact):
            found += group
        return found

    def visible_lookup(self, names: Iterable[str], namespace: str | None) -> list[HostDef]:
        """``lookup(names)`` less the definitions not visible from ``namespace``, in the same
        order, found through an index of their exportTo instead of testing each one (a host
        that many namespaces define, each for itself, is common)."""
        found: list[HostDef] = []
        for key, group in self._groups(names):
            everywhere, exported = self._visible_positions(key, group, namespace)
            positions = heapq.merge(everywhere, exported) if exported else everywhere
            found += [group[position] for position in positions]
        return found

    def first_visible(
        self, names: Iterable[str], namespace: str | None, exact: bool = False
    ) -> HostDef | None:
        """The first of ``visible_lookup(names, namespace)``, if any; ``exact`` as in
        ``lookup``."""
        for key, group in self._groups(names, exact):
            everywhere, exported = self._visible_positions(key, group, namespace)
            if everywhere or exported:
                return group[min(everywhere[:1] + exported[:1])]
        return None

    def _groups(
        self, names: Iterable[str], exact: bool = False
    ) -> Iterator[tuple[tuple[str, ...], list[HostDef]]]:
        """The lists of definitions that cover any of ``names``, by key, in lookup order."""
        for name in names:
            if name in self.exact:
                yield ("exact", name), self.exact[name]
            if name.startswith("*."):
                if name[1:] in self.suffixes:
                    yield ("suffix", name[1:]), self.suffixes[name[1:]]
                name = name[2:]
            if exact:
                continue
            index = name.find(".")
            while index != -1:
                if name[index:] in self.suffixes:
                    yield ("suffix", name[index:]), self.suffixes[name[index:]]
                index = name.find(".", index + 1)
        if not exact:
            yield ("everything",), self.everything

    def _visible_positions(
        self, key: tuple[str, ...], group: list[HostDef], namespace: str | None
    ) -> tuple[list[int], list[int]]:
        """Positions in ``group`` visible from every namespace, and those exported to
        ``namespace`` (by name or by ``.`` from their own); ``visible`` as an index."""
        index = self._exports.get(key)
        if index is None or index[0] != len(group):
            everywhere: list[int] = []
            exported: dict[str | None, list[int]] = {}
            for position, definition in enumerate(group):
                export_to = definition.export_to
                if export_to is None or "*" in export_to:
                    everywhere.append(position)
                    continue
                targets: set[str | None] = set(export_to)
                if "." in export_to:
                    targets.add(definition.resource.namespace)
                for target in targets:
                    exported.setdefault(target, []).append(position)
            index = self._exports[key] = (len(group), everywhere, exported)
        return index[1], index[2].get(namespace, [])

    def names(self) -> list[str]:
        return [*self.exact, *("*" + s for s in self.suffixes)]
