"""EnvoyFilter config patches as the patch rules see them (ML801-ML805)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from meshlint.facts.graph import Mesh
from meshlint.input.resources import K, Resource

__all__ = ["RELATIVE", "ROUTE_LEVEL", "Patch", "patches"]

# Operations whose effect depends on what other filters already did.
RELATIVE = frozenset({"INSERT_BEFORE", "INSERT_AFTER", "REPLACE", "REMOVE"})
# applyTo values where ADD and REMOVE are ignored (routes are merged, not listed).
ROUTE_LEVEL = frozenset({"ROUTE_CONFIGURATION", "HTTP_ROUTE"})
# applyTo values where REPLACE is supported.
REPLACEABLE = frozenset({"HTTP_FILTER", "NETWORK_FILTER", "VIRTUAL_HOST"})


@dataclass(frozen=True, slots=True)
class Patch:
    filter: Resource
    path: tuple[object, ...]  # to the config patch
    apply_to: str | None
    operation: str | None
    proxy_version: bool
    priority: int

    @property
    def operation_path(self) -> tuple[object, ...]:
        return (*self.path, "patch", "operation")

    @property
    def relative(self) -> bool:
        """An order-dependent operation that Istio actually applies."""
        if self.operation == "REMOVE":
            return self.apply_to not in ROUTE_LEVEL
        if self.operation == "REPLACE":
            return self.apply_to in REPLACEABLE
        return self.operation in RELATIVE


def patches(mesh: Mesh) -> Iterator[Patch]:
    for envoy_filter in mesh.of_type(K.ENVOY_FILTER):
        spec = envoy_filter.spec
        priority = spec.get("priority")
        priority = priority if isinstance(priority, int) and not isinstance(priority, bool) else 0
        items = spec.get("configPatches")
        for index, item in enumerate(items if isinstance(items, list) else ()):
            if not isinstance(item, dict):
                continue
            patch, match = item.get("patch"), item.get("match")
            operation = patch.get("operation") if isinstance(patch, dict) else None
            proxy = match.get("proxy") if isinstance(match, dict) else None
            version = proxy.get("proxyVersion") if isinstance(proxy, dict) else None
            apply_to = item.get("applyTo")
            yield Patch(
                envoy_filter,
                ("spec", "configPatches", index),
                apply_to if isinstance(apply_to, str) else None,
                operation if isinstance(operation, str) else None,
                isinstance(version, str) and bool(version),
                priority,
            )
