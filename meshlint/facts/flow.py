"""Where requests really go: the share of a route's requests each destination gets, and the
workloads a DestinationRule subset sends them to. Asked by ``weight-sum``,
``subset-selects-no-pods`` and ``meshlint graph``, so the split a message quotes and the
split the graph draws are one answer.

Weights: before Istio 1.15 the API server rejected a route whose weights did not sum to 100;
since then Istio sends each destination ``weight / sum`` of the requests (Envoy's weighted
clusters take the sum as the total). A single destination gets everything whatever its
weight. Validation (``validateHTTPRouteDestinations``, ``validateRouteDestinations``) rejects
negative weights and two or more destinations whose weights are all zero or unset.

Subsets: a subset is the pods of the host's Service that carry its labels; node topology
labels (``topology.kubernetes.io/zone`` ...) are matched against the pod's Node when the Node
is in the analysed files (assumed to match otherwise), and an empty value matches nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from meshlint.facts.destination_rules import MergedRule
from meshlint.facts.graph import Mesh, Workload
from meshlint.facts.memo import fact
from meshlint.facts.routes import RouteRule
from meshlint.facts.selectors import selects, service_workloads
from meshlint.input.resources import Kind, Resource

__all__ = [
    "NORMALISING_RELEASE",
    "TOPOLOGY_KEYS",
    "RouteSplit",
    "route_split",
    "subset_definition",
    "subset_matches",
    "subset_workloads",
]

# The first Istio release that accepts weights that do not sum to 100 (and normalises them).
NORMALISING_RELEASE = (1, 15)

NODE = Kind("", "Node")
TOPOLOGY_KEYS = frozenset(
    {
        "topology.kubernetes.io/region",
        "topology.kubernetes.io/zone",
        "topology.istio.io/subzone",
        "kubernetes.io/hostname",
    }
)


@dataclass(frozen=True, slots=True)
class RouteSplit:
    """The weights of a rule's ``route`` items that are mappings (unset counts as 0), and
    the percentage of requests each gets; ``shares`` is None when Istio rejects the route,
    and ``rejected`` then says why."""

    positions: tuple[int, ...]  # of the items in ``route``
    weights: tuple[int, ...]
    shares: tuple[float, ...] | None
    rejected: str | None = None

    def share_of(self, position: int) -> float | None:
        """The percentage of requests the item at ``position`` of ``route`` gets."""
        if self.shares is None or position not in self.positions:
            return None
        return self.shares[self.positions.index(position)]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@fact
def route_split(mesh: Mesh, rule: RouteRule) -> RouteSplit | None:
    """How ``rule``'s requests are split among its ``route`` items, as the configured Istio
    release does it; None when the rule has no route items, or a weight is not an integer
    (left to the schema rules)."""
    routes = rule.route_list
    items = [(i, r) for i, r in enumerate(routes or ()) if isinstance(r, dict)]
    written = [r.get("weight", 0) for _, r in items]
    if not items or not all(w is None or _is_int(w) for w in written):
        return None
    positions = tuple(i for i, _ in items)
    weights = tuple(w or 0 for w in written)

    def rejected(why: str) -> RouteSplit:
        return RouteSplit(positions, weights, None, why)

    if any(w < 0 for w in weights):
        return rejected("a weight is negative")
    if len(items) == 1:
        return RouteSplit(positions, weights, (100.0,))
    total = sum(weights)
    if total == 0:
        return rejected("total destination weight = 0")
    version = mesh.settings.istio_version
    if total != 100 and version < NORMALISING_RELEASE:
        return rejected(f"before Istio 1.15 weights must sum to 100 (they sum to {total})")
    return RouteSplit(positions, weights, tuple(100 * w / total for w in weights))


def subset_matches(mesh: Mesh, labels: Mapping[str, str], workload: Workload) -> bool:
    """Does a subset with ``labels`` take ``workload`` (one of its Service's)?"""
    own = {k: v for k, v in labels.items() if k not in TOPOLOGY_KEYS}
    if not selects(own, workload.labels):
        return False
    topology = {k: v for k, v in labels.items() if k in TOPOLOGY_KEYS}
    if not topology:
        return True
    if any(not v for v in topology.values()):
        return False
    spec = workload.template.get("spec")
    node_name = spec.get("nodeName") if isinstance(spec, dict) else None
    node = mesh.get(NODE, None, node_name) if isinstance(node_name, str) else None
    return node is None or selects(topology, node.labels)


def subset_workloads(mesh: Mesh, service: Resource, labels: Mapping[str, str]) -> list[Workload]:
    """The workloads of ``service`` (those its selector picks) that a subset with ``labels``
    takes. Callers must not change the list."""
    return _subset_workloads(mesh, service, frozenset(labels.items()))


@fact
def _subset_workloads(
    mesh: Mesh, service: Resource, labels: frozenset[tuple[str, str]]
) -> list[Workload]:
    wanted = dict(labels)
    return [w for w in service_workloads(mesh, service) if subset_matches(mesh, wanted, w)]


def subset_definition(entry: MergedRule, name: str) -> tuple[Resource, int]:
    """Which of the DestinationRules merged into ``entry`` defines its subset ``name`` (the
    first: Istio keeps the first definition of a name), and its index in ``subsets``."""
    for rule in entry.rules:
        subsets = rule.spec.get("subsets")
        for index, subset in enumerate(subsets if isinstance(subsets, list) else ()):
            if isinstance(subset, dict) and subset.get("name") == name:
                return rule, index
    raise LookupError(f"no subset {name!r} in {entry.rule.display}")
