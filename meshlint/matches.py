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

from meshlint.graph import Mesh
from meshlint.model import Resource

__all__ = ["Covered", "covered_matches", "covers"]

SECTIONS = ("http", "tcp", "tls")
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


def covered_matches(mesh: Mesh, vs: Resource) -> list[Covered]:
    """Match conditions of ``vs`` that earlier ones already cover, worked out once per run
    (two rules read them)."""
    memo = mesh.memo("matches.covered")
    key = id(vs)
    if key not in memo:
        memo[key] = list(_covered_matches(vs))
    return memo[key]


def _covered_matches(vs: Resource) -> Iterator[Covered]:
    for section in SECTIONS:
        rules = vs.spec.get(section)
        if not isinstance(rules, list):
            continue
        seen: list[tuple[int, int | None, dict]] = []  # earlier conditions
        for index, rule in enumerate(rules):
            if not isinstance(rule, dict):
                continue
            matches = rule.get("match")
            conditions = (
                [(i, m) for i, m in enumerate(matches) if isinstance(m, dict)]
                if isinstance(matches, list) and matches
                else []
            )
            if not conditions:
                catch_all = next(((r, m) for r, m, c in seen if not _normal(c)), None)
                if catch_all is not None:
                    yield Covered(section, index, None, *catch_all, False, True, True)
                seen.append((index, None, {}))
                continue
            found = []
            for position, condition in conditions:
                earlier = [(r, m, c) for r, m, c in seen if covers(c, condition)]
                if earlier:
                    r, m, c = earlier[0]
                    found.append((position, r, m, _normal(c) == _normal(condition), not _normal(c)))
                seen.append((index, position, condition))
            whole = len(found) == len(conditions)
            for position, r, m, duplicate, catch_all in found:
                yield Covered(section, index, position, r, m, duplicate, whole, catch_all)
