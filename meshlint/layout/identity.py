"""Resource identity: within one mesh a resource is its (API group, kind, namespace, name).

When several documents share an identity, the mesh holds what ``kubectl apply -R -f`` on the
mesh's directories would leave: files are applied in path order (directory by directory, as a
walk visits them) and documents in file order, so the last definition wins. The others are
kept, for ``duplicate-resource`` to report once per identity; no other rule sees them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from meshlint.input.resources import Resource

__all__ = ["Duplicate", "Identity", "apply_order", "identity", "resolve_identities"]

Identity = tuple[str, str, str | None, str]  # group, kind, namespace, name


def identity(resource: Resource) -> Identity:
    return (resource.group, resource.kind, resource.namespace, resource.name)


def apply_order(path: str) -> tuple[str, ...]:
    """The order ``kubectl apply -R`` reads files in: each directory's entries by name, so
    ``a/x.yaml`` comes before ``a-b/x.yaml`` (a plain string sort puts ``-`` before ``/``)."""
    return tuple(path.split("/"))


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An identity defined more than once: ``definitions`` in apply order, the last wins."""

    definitions: tuple[Resource, ...]

    @property
    def winner(self) -> Resource:
        return self.definitions[-1]

    @property
    def overwritten(self) -> tuple[Resource, ...]:
        return self.definitions[:-1]


def resolve_identities(resources: Iterable[Resource]) -> tuple[list[Resource], list[Duplicate]]:
    """``(live, duplicates)`` of ``resources`` given in apply order (their files sorted by
    ``apply_order``): one resource per identity, the last definition, in that order; and every
    identity defined more than once. Resources without a name are kept as they are
    (``invalid-metadata`` reports them): they have no identity."""
    ordered = list(resources)
    last: dict[Identity, int] = {}
    for index, resource in enumerate(ordered):
        if resource.name:
            last[identity(resource)] = index
    if len(last) == sum(1 for r in ordered if r.name):
        return ordered, []
    groups: dict[Identity, list[Resource]] = {}
    live = []
    for index, resource in enumerate(ordered):
        if not resource.name:
            live.append(resource)
            continue
        key = identity(resource)
        groups.setdefault(key, []).append(resource)
        if last[key] == index:
            live.append(resource)
    duplicates = [Duplicate(tuple(group)) for group in groups.values() if len(group) > 1]
    return live, duplicates
