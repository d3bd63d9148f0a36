"""Which VirtualService match conditions can never fire, because an earlier one already
takes all of their traffic. Shared by ``unreachable-route`` and ``ineffective-match``.

Routes are tried in order and the first rule with a matching condition wins. A condition A
*covers* a later condition B when every request B accepts is also accepted by A: each field A
sets is set in B at least as strictly (equal, or a longer ``prefix``/an ``exact`` under A's
``prefix``; lists such as ``sniHosts`` and ``gateways`` narrower in B; maps such as
``headers`` and ``sourceLabels`` with A's keys present in B). ``uri: {prefix: /}`` sets nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from meshlint.facts.graph import Mesh
from meshlint.facts.memo import fact
from meshlint.facts.routes import RouteRule, route_rules
from meshlint.input.resources import Resource

__all__ = ["Covered", "covered_matches", "covers"]

STRING_MATCH_KEYS = frozenset({"exact", "prefix", "regex"})


@dataclass(frozen=True, slots=True)
class Covered:
    """Match ``match`` of rule ``rule`` in ``section`` is covered by an earlier condition;
    ``match`` is None when the rule has no conditions (it is only reached if nothing
    before it takes all traffic)."""

    section: str
    rule: int
    match: int | None
    by_rule: int
    by_match: int | None
    duplicate: bool  # an exact repeat, not merely covered
    whole_rule: bool  # every condition of the rule is covered
    catch_all: bool  # the covering condition accepts every request


def _normal(match: dict) -> dict:
    out = {k: v for k, v in match.items() if k != "name" and v not in (None, {}, [])}
    uri = out.get("uri")
    if isinstance(uri, dict) and uri.get("prefix") == "/" and len(uri) == 1:
        del out["uri"]
    return out


def _string_covers(a: object, b: object) -> bool:
    if a == b:
        return True
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return False
    if set(a) - STRING_MATCH_KEYS or set(b) - STRING_MATCH_KEYS:
        return False
    prefix = a.get("prefix")
    if not isinstance(prefix, str) or len(a) != 1 or len(b) != 1:
        return False
    other = b.get("prefix", b.get("exact"))
    return isinstance(other, str) and other.startswith(prefix)


def _value_covers(key: str, a: object, b: object) -> bool:
    if a == b:
        return True
    if key in ("uri", "scheme", "method", "authority"):
        return _string_covers(a, b)
    if isinstance(a, list) and isinstance(b, list):
        try:
            return set(b) <= set(a)
        except TypeError:
            return False
    if isinstance(a, dict) and isinstance(b, dict) and key != "withoutHeaders":
        return all(k in b and _value_covers("uri", v, b[k]) for k, v in a.items())
    return False


def covers(a: dict, b: dict) -> bool:
    """Does condition ``a`` accept every request condition ``b`` accepts?"""
    a, b = _normal(a), _normal(b)
    if a.get("ignoreUriCase") != b.get("ignoreUriCase") and "uri" in a:
        return False
    return all(key in b and _value_covers(key, value, b[key]) for key, value in a.items())


@fact
def covered_matches(mesh: Mesh, vs: Resource) -> list[Covered]:
    """Match conditions of ``vs`` that earlier ones already cover, worked out once per run
    (two rules read them)."""
    return list(_covered_matches(route_rules(mesh, vs)))


def _covered_matches(rules: tuple[RouteRule, ...]) -> Iterator[Covered]:
    seen = _Earlier()  # earlier conditions of the same section
    section = None
    for rule in rules:
        if rule.section != section:
            section, seen = rule.section, _Earlier()
        index, conditions = rule.index, rule.matches
        if not conditions:
            catch_all = seen.first_catch_all
            if catch_all is not None:
                yield Covered(section, index, None, *catch_all, False, True, True)
            seen.add(index, None, {})
            continue
        found = []
        for position, condition in conditions:
            earlier = seen.first_covering(condition)
            if earlier is not None:
                r, m, c = earlier
                found.append((position, r, m, _normal(c) == _normal(condition), not _normal(c)))
            seen.add(index, position, condition)
        whole = len(found) == len(conditions)
        for position, r, m, duplicate, catch_all in found:
            yield Covered(section, index, position, r, m, duplicate, whole, catch_all)


class _Unhashable(Exception):
    pass


def _frozen(value: object) -> object:
    """A hashable stand-in for ``value`` that equals another's exactly when the values are
    equal (mappings as sets of items, lists as tagged tuples)."""
    if isinstance(value, dict):
        return frozenset((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list):
        return ("list", tuple(_frozen(item) for item in value))
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise _Unhashable


class _Earlier:
    """The conditions seen so far in a section, indexed so that the first one covering a
    new condition is found without comparing it with each: a condition that sets ``uri``
    can only cover one that sets an equal ``uri`` or, for a lone ``prefix``, a longer one,
    so those are looked up by value and by each prefix of the new condition's; one that
    sets a plain ``port`` (and no ``uri``) only one with an equal port. The others are
    compared in order. Candidates are checked with ``covers``, so the index only narrows
    which conditions are compared, never what counts as covered."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, int | None, dict]] = []
        self.by_uri: dict[object, list[int]] = {}
        self.by_prefix: dict[str, list[int]] = {}
        self.by_port: dict[object, list[int]] = {}
        self.scanned: list[int] = []
        self.catch_all: int | None = None

    @property
    def first_catch_all(self) -> tuple[int, int | None] | None:
        """(rule, match) of the first condition that accepts every request."""
        if self.catch_all is None:
            return None
        rule, match, _ = self.entries[self.catch_all]
        return rule, match

    def add(self, rule: int, match: int | None, condition: dict) -> None:
        position = len(self.entries)
        self.entries.append((rule, match, condition))
        normal = _normal(condition)
        if not normal and self.catch_all is None:
            self.catch_all = position
        try:
            if "uri" in normal:
                uri = normal["uri"]
                self.by_uri.setdefault(_frozen(uri), []).append(position)
                if isinstance(uri, dict) and len(uri) == 1 and isinstance(uri.get("prefix"), str):
                    self.by_prefix.setdefault(uri["prefix"], []).append(position)
                return
            if "port" in normal and not isinstance(normal["port"], (dict, list)):
                self.by_port.setdefault(_frozen(normal["port"]), []).append(position)
                return
        except _Unhashable:
            pass
        self.scanned.append(position)

    def first_covering(self, condition: dict) -> tuple[int, int | None, dict] | None:
        """The first condition seen that covers ``condition``, if any."""
        normal = _normal(condition)
        try:
            pools = [self.scanned, *self._candidates(normal)]
        except _Unhashable:
            pools = [range(len(self.entries))]
        best: int | None = None
        for pool in pools:
            for position in pool:
                if best is not None and position >= best:
                    break
                if covers(self.entries[position][2], condition):
                    best = position
                    break
        return self.entries[best] if best is not None else None

    def _candidates(self, normal: dict) -> Iterator[list[int]]:
        if "uri" in normal:
            uri = normal["uri"]
            yield self.by_uri.get(_frozen(uri), [])
            other = uri.get("prefix", uri.get("exact")) if isinstance(uri, dict) else None
            if isinstance(other, str) and self.by_prefix:
                for end in range(len(other) + 1):
                    yield self.by_prefix.get(other[:end], [])
        if "port" in normal and not isinstance(normal["port"], (dict, list)):
            yield self.by_port.get(_frozen(normal["port"]), [])
