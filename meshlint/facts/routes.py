"""The routes of a VirtualService as typed records: the one walk over ``spec.http``,
``spec.tcp`` and ``spec.tls`` that the graph, the facts and the rules share.

Istio reads a VirtualService's rules section by section, in order (``pilot/pkg/networking/
core/route`` ``BuildHTTPRoutesForVirtualService``, ``buildSidecarOutboundTCPTLSFilterChainOpts``):
each rule has match conditions, then one action: ``route`` (weighted destinations), and for
HTTP also ``redirect``, ``directResponse`` or ``delegate``, with ``mirror``/``mirrors`` copying
requests elsewhere. Entries of the wrong type are left to the schema rules and skipped here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from meshlint.facts.memo import fact
from meshlint.input.resources import Resource

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = ["ROUTE_SECTIONS", "RouteEntry", "RouteRule", "declared_sections", "route_rules"]

ROUTE_SECTIONS = ("http", "tcp", "tls")


@dataclass(frozen=True, slots=True, eq=False)
class RouteEntry:
    """Where a rule sends or copies requests: an item of ``route`` or ``mirrors``, or the
    rule's single ``mirror``. ``key`` is the key of ``holder`` that names the destination
    (``destination``, or ``mirror`` for the single mirror, whose holder is the rule)."""

    rule: RouteRule
    path: tuple[object, ...]  # to the holder (the rule itself for ``mirror``)
    holder: dict
    key: str
    mirror: bool

    @property
    def destination(self) -> dict | None:
        value = self.holder.get(self.key)
        return value if isinstance(value, dict) else None

    @property
    def host(self) -> str | None:
        """The destination host, when it is a non-empty string."""
        destination = self.destination
        host = destination.get("host") if destination is not None else None
        return host if isinstance(host, str) and host else None

    @property
    def destination_path(self) -> tuple[object, ...]:
        return (*self.path, self.key)


@dataclass(frozen=True, slots=True, eq=False)
class RouteRule:
    """One rule of a VirtualService: a mapping in ``spec.http``, ``spec.tcp`` or ``spec.tls``."""

    virtual_service: Resource
    section: str  # "http", "tcp" or "tls"
    index: int
    body: dict

    @property
    def path(self) -> tuple[object, ...]:
        return ("spec", self.section, self.index)

    @property
    def route_list(self) -> list | None:
        """``route`` as written, when it is a list (its items may be of any type)."""
        value = self.body.get("route")
        return value if isinstance(value, list) else None

    @property
    def matches(self) -> list[tuple[int, dict]]:
        """The match conditions that are mappings, with their positions."""
        value = self.body.get("match")
        items = value if isinstance(value, list) else ()
        return [(i, m) for i, m in enumerate(items) if isinstance(m, dict)]

    @property
    def delegate(self) -> object:
        return self.body.get("delegate") if self.section == "http" else None

    def entries(self) -> Iterator[RouteEntry]:
        """The route items, then the mirrors (``mirror``, then ``mirrors``; HTTP only)."""
        yield from self.route_entries()
        yield from self.mirror_entries()

    def route_entries(self) -> Iterator[RouteEntry]:
        for position, item in enumerate(self.route_list or ()):
            if isinstance(item, dict):
                yield RouteEntry(self, (*self.path, "route", position), item, "destination", False)

    def mirror_entries(self) -> Iterator[RouteEntry]:
        if self.section != "http":
            return
        if "mirror" in self.body:
            yield RouteEntry(self, self.path, self.body, "mirror", True)
        mirrors = self.body.get("mirrors")
        for position, item in enumerate(mirrors if isinstance(mirrors, list) else ()):
            if isinstance(item, dict):
                yield RouteEntry(self, (*self.path, "mirrors", position), item, "destination", True)


@fact
def route_rules(mesh: Mesh, vs: Resource) -> tuple[RouteRule, ...]:
    """Every rule of ``vs`` that is a mapping, section by section (http, tcp, tls), in order."""
    return tuple(
        RouteRule(vs, section, index, rule)
        for section, rules in declared_sections(vs).items()
        if isinstance(rules, list)
        for index, rule in enumerate(rules)
        if isinstance(rule, dict)
    )


def declared_sections(vs: Resource) -> dict[str, object]:
    """The route sections ``vs`` writes, as written (a list, or a value of another type)."""
    spec = vs.spec
    return {section: spec[section] for section in ROUTE_SECTIONS if section in spec}
