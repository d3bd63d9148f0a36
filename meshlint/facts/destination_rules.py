"""Which DestinationRule applies to a service for the clients of one namespace, as Istio
decides it. Every rule that asks that question asks here.

Istio (``pilot/pkg/model/push_context.go``):

- ``setDestinationRules`` indexes the rules of each namespace twice: *namespace-local* (every
  rule visible in its own namespace: no ``exportTo``, ``*``, ``.`` or its own name) and
  *exported* (all but the private ones: ``exportTo`` of just ``.`` or of just its own
  namespace). A rule with a ``workloadSelector`` is private whatever its ``exportTo``. Private
  rules of the root namespace have an index of their own. Rules are taken in order, those with
  a ``workloadSelector`` first (``sortConfigBySelectorAndCreationTime``; meshlint has no
  creation times and keeps file order), and ``host`` is resolved with
  ``ResolveShortnameToFQDN`` (``hosts.to_fqdn``).
- ``mergeDestinationRule`` (``destination_rule.go``) merges rules for one host in one index:
  the first rule's top-level ``trafficPolicy`` and ``exportTo`` stay, later rules add the
  subsets whose names are new. With ``ENABLE_ENHANCED_DESTINATIONRULE_MERGE`` (on by default)
  a rule merges only into an entry with the same ``exportTo`` (or one whose ``exportTo`` its
  own contains, when it is also kept apart), and rules with different selectors never merge.
- ``destinationRule(proxyNamespace, service)`` looks for the most specific host
  (``MostSpecificHostMatch``: the exact name, else the longest wildcard) in three places and
  stops at the first that has one: (1) the client's namespace-local rules (for a client in the
  root namespace, its private rules), (2) the rules the *service's* namespace exports to the
  client, (3) the rules the root namespace exports to the client. A rule in any other
  namespace never applies.
- ``SidecarScope.DestinationRule`` (``sidecar.go``) then picks one entry: the one whose
  ``workloadSelector`` selects the client (same namespace only), else the last entry without
  a selector.

So a ``*.local`` rule in the client's namespace hides the subsets defined in the service's
namespace, and an exact host beats a wildcard in the same place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from meshlint.facts.graph import Destination, Mesh
from meshlint.facts.hosts import export_set
from meshlint.facts.memo import fact
from meshlint.facts.traffic import route_namespaces
from meshlint.input.resources import K, Resource, string_map, subset_names

__all__ = [
    "ANY_OTHER_NAMESPACE",
    "MergedRule",
    "applicable",
    "client_namespaces",
    "describe_namespaces",
    "destination_service",
    "effective",
    "naming",
    "routed_subsets",
    "service_for",
    "serving",
    "workload_selector",
]

# A client namespace with no DestinationRules of its own and named in no exportTo: every
# namespace not listed separately behaves like it. Kubernetes never names a namespace "*".
ANY_OTHER_NAMESPACE = "*"


@dataclass(slots=True, eq=False)
class MergedRule:
    """One entry of Istio's index: a DestinationRule and those merged into it
    (``ConsolidatedDestRule``)."""

    host: str  # resolved with ResolveShortnameToFQDN
    export_to: frozenset[str]  # empty: not set (the mesh default, everywhere)
    selector: dict[str, str] | None
    rules: list[Resource] = field(default_factory=list)  # the first one, then the merged
    subsets: list[str] = field(default_factory=list)  # names, first definition wins

    @property
    def rule(self) -> Resource:
        """The rule whose top-level traffic policy and exportTo the entry keeps."""
        return self.rules[0]

    def traffic_policy_rule(self) -> Resource | None:
        """The first rule of the entry that sets a top-level ``trafficPolicy``: the one
        whose policy applies (later ones only add subsets)."""
        return next((r for r in self.rules if isinstance(r.spec.get("trafficPolicy"), dict)), None)

    def exported_to(self, namespace: str) -> bool:
        return not self.export_to or "*" in self.export_to or namespace in self.export_to


@dataclass(slots=True)
class _Index:
    """The DestinationRules of one namespace (or the root's private ones), by host."""

    specific: dict[str, list[MergedRule]] = field(default_factory=dict)
    wildcard: dict[str, list[MergedRule]] = field(default_factory=dict)

    def merge(self, rule: Resource, host: str, export_to: frozenset[str]) -> None:
        """Istio's ``mergeDestinationRule`` with enhanced merging on (its default)."""
        table = self.wildcard if host.startswith("*") else self.specific
        selector = workload_selector(rule)
        entries = table.setdefault(host, [])
        separate = True
        for entry in entries:  # ``appendSeparately`` is decided by the last entry
            if export_to == entry.export_to:
                separate = False
            elif not (entry.export_to and export_to >= entry.export_to):
                separate = True
                continue
            else:
                separate = True
            both_with = entry.selector is not None and selector is not None
            if both_with and entry.selector != selector:
                separate = True
                continue
            if both_with or (entry.selector is None and selector is None):
                separate = False
            entry.rules.append(rule)
            entry.subsets += [n for n in subset_names(rule) if n not in entry.subsets]
        if separate:
            entries.append(MergedRule(host, export_to, selector, [rule], _unique(rule)))

    def most_specific(self, name: str) -> list[MergedRule] | None:
        """Istio's ``MostSpecificHostMatch``: the exact name, else the longest wildcard that
        covers it (a wildcard name matches only wildcard rules)."""
        if name.startswith("*"):
            if name in self.wildcard:
                return self.wildcard[name]
            needle = name[1:]
        else:
            if name in self.specific:
                return self.specific[name]
            needle = name
        best = None
        for pattern in self.wildcard:
            if needle.endswith(pattern[1:]) and (best is None or len(pattern) > len(best)):
                best = pattern
        return self.wildcard[best] if best is not None else None


def workload_selector(rule: Resource) -> dict[str, str] | None:
    """A DestinationRule's ``workloadSelector`` labels; None when it has none (it then
    applies to every client it is visible to)."""
    selector = rule.spec.get("workloadSelector")
    if not isinstance(selector, dict):
        return None
    return string_map(selector.get("matchLabels"))


def _unique(rule: Resource) -> list[str]:
    return list(dict.fromkeys(subset_names(rule)))


@dataclass(slots=True)
class _Indexes:
    local: dict[str, _Index]
    exported: dict[str, _Index]
    root_local: _Index
    root: str


@fact
def _indexes(mesh: Mesh) -> _Indexes:
    """Istio's ``setDestinationRules``, once per mesh."""
    root = mesh.root_namespace
    found = _Indexes({}, {}, _Index(), root)
    default_export = mesh.mesh_config.default_destination_rule_export_to
    rules = mesh.of_type(K.DESTINATION_RULE)
    ordered = [r for r in rules if workload_selector(r) is not None]
    ordered += [r for r in rules if workload_selector(r) is None]
    for rule in ordered:
        host = rule.spec.get("host")
        namespace = rule.namespace
        if not isinstance(host, str) or not host or not namespace:
            continue
        host = mesh.cluster_fqdn(host, namespace)
        if workload_selector(rule) is None:
            export_to = export_set(rule.spec.get("exportTo")) or frozenset()
        else:
            export_to = frozenset({"."})
        if not export_to or export_to & {"*", ".", namespace}:
            found.local.setdefault(namespace, _Index()).merge(rule, host, export_to)
        private = len(export_to) == 1 and bool(export_to & {".", namespace})
        if not export_to and "." in default_export:  # defaultDestinationRuleExportTo
            private = True
        if not private:
            found.exported.setdefault(namespace, _Index()).merge(rule, host, export_to)
        elif namespace == root:
            found.root_local.merge(rule, host, export_to)
    return found


@fact
def applicable(
    mesh: Mesh, host: str, service_namespace: str | None, client_namespace: str
) -> list[MergedRule]:
    """Istio's ``destinationRule``: the entries for service ``host`` (its full name) of
    ``service_namespace`` that clients in ``client_namespace`` look up; empty when none.

    ``service_namespace`` None (the files do not define the service) is read as "any": the
    rules every namespace exports to the client are searched together, so an unknown service
    is never said to lack a rule that may apply to it.
    """
    return _lookup(_indexes(mesh), host, service_namespace, client_namespace)


def _lookup(
    indexes: _Indexes, host: str, service_namespace: str | None, client: str
) -> list[MergedRule]:
    own = indexes.root_local if client == indexes.root else indexes.local.get(client)
    if own is not None:
        entries = own.most_specific(host)
        if entries:
            return entries
    if service_namespace is not None:
        places = [service_namespace]
    else:
        places = [n for n in indexes.exported if n != indexes.root]
    for namespace in places:
        entries = _exported(indexes, namespace, host, client)
        if entries:
            return entries
    return _exported(indexes, indexes.root, host, client)


def _exported(indexes: _Indexes, namespace: str, host: str, client: str) -> list[MergedRule]:
    """Istio's ``getExportedDestinationRuleFromNamespace``: the most specific host found in
    what ``namespace`` exports decides, even when none of its entries is exported to the
    client."""
    index = indexes.exported.get(namespace)
    entries = index.most_specific(host) if index is not None else None
    return [e for e in entries or () if e.exported_to(client)]


def effective(
    entries: Iterable[MergedRule], client_namespace: str, labels: Mapping[str, str] | None = None
) -> MergedRule | None:
    """Istio's ``SidecarScope.DestinationRule`` for outbound traffic: the entry whose
    ``workloadSelector`` selects a client with ``labels`` in ``client_namespace``, else the
    last entry without a selector (None: clients there get no DestinationRule at all)."""
    catch_all = None
    for entry in entries:
        if entry.selector is None:
            catch_all = entry
        elif (
            labels is not None
            and entry.rule.namespace == client_namespace
            and all(labels.get(k) == v for k, v in entry.selector.items())
        ):
            return entry
    return catch_all


def destination_service(
    mesh: Mesh, destination: Destination, client_namespace: str
) -> tuple[str, str | None]:
    """The full name and namespace of the service a route destination reaches from
    ``client_namespace``: the Service or ServiceEntry the files define for it (the one
    visible there first), else the name itself, with the namespace of a
    ``name.namespace.svc.<domain>`` form and None otherwise."""
    return service_for(mesh, destination.candidates, client_namespace)


def service_for(
    mesh: Mesh, candidates: tuple[str, ...], client_namespace: str
) -> tuple[str, str | None]:
    """``destination_service`` for the full names a host may stand for."""
    definition = mesh.hosts.first_visible(candidates, client_namespace, exact=True)
    if definition is None:
        found = mesh.hosts.lookup(candidates, exact=True)
        definition = found[0] if found else None
    if definition is not None:
        return definition.host, definition.resource.namespace
    suffix = ".svc." + mesh.settings.cluster_domain
    name = next((c for c in candidates if c.endswith(suffix)), None)
    if name is None:
        return candidates[0], None
    namespace = name[: -len(suffix)].rpartition(".")[2]
    return name, namespace or None


def client_namespaces(
    mesh: Mesh,
    exported_to: frozenset[str] | None,
    *also: str | None,
    hosts: Iterable[str] | None = None,
) -> list[str]:
    """The namespaces whose clients to ask about, for a resource visible in
    ``exported_to`` (None: everywhere). Everywhere means every namespace where the answer
    may differ, and ``ANY_OTHER_NAMESPACE`` for the rest: the root, ``also``, and the
    namespaces holding DestinationRules or named in their exportTo; with ``hosts`` (the
    names looked up), only those whose rules can match one of them (elsewhere the lookup
    falls through to the same exported rules as any other namespace)."""
    if exported_to is not None:
        return sorted(exported_to)
    if hosts is not None:
        names = _relevance(mesh).namespaces(hosts) | {_indexes(mesh).root}
        return [*sorted(names | {n for n in also if n}), ANY_OTHER_NAMESPACE]
    names = _rule_namespaces(mesh)
    return [*sorted(names | {n for n in also if n}), ANY_OTHER_NAMESPACE]


@fact
def _rule_namespaces(mesh: Mesh) -> frozenset[str]:
    """The namespaces holding DestinationRules or named in their exportTo, and the root."""
    indexes = _indexes(mesh)
    names = set(indexes.local) | set(indexes.exported) | {indexes.root}
    for rule in mesh.of_type(K.DESTINATION_RULE):
        names |= export_set(rule.spec.get("exportTo")) or frozenset()
    return frozenset(names - {"*", ".", "~"})


@dataclass(slots=True)
class _Relevance:
    """For each host a rule names, the namespaces where a lookup of it may differ from any
    other namespace's: those holding a local rule for it, and those its exported rules name
    in ``exportTo``. Wildcards are kept by suffix, so a name is matched label by label."""

    exact: dict[str, set[str]] = field(default_factory=dict)
    suffix: dict[str, set[str]] = field(default_factory=dict)  # "*.a.b" -> key ".a.b"

    def add(self, host: str, names: Iterable[str]) -> None:
        table, key = (self.suffix, host[1:]) if host.startswith("*") else (self.exact, host)
        table.setdefault(key, set()).update(names)

    def namespaces(self, hosts: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for host in hosts:
            found |= self.exact.get(host, set())
            name = host[1:] if host.startswith("*") else host
            dot = name.find(".")
            while dot >= 0:
                found |= self.suffix.get(name[dot:], set())
                dot = name.find(".", dot + 1)
            found |= self.suffix.get("", set())  # a bare "*"
        return found - {"*", ".", "~"}


@fact
def _relevance(mesh: Mesh) -> _Relevance:
    indexes = _indexes(mesh)
    found = _Relevance()
    for namespace, index in indexes.local.items():
        for table in (index.specific, index.wildcard):
            for host in table:
                found.add(host, [namespace])
    for namespace, index in [*indexes.exported.items(), (indexes.root, indexes.root_local)]:
        for table in (index.specific, index.wildcard):
            for host, entries in table.items():
                found.add(host, [namespace, *(n for e in entries for n in e.export_to)])
    return found


def serving(mesh: Mesh, destination: Destination) -> list[tuple[str, MergedRule | None]]:
    """For each namespace whose proxies get the destination's VirtualService
    (``traffic.route_namespaces``: sidecars where it is exported, when it applies to
    ``mesh``, and each bound gateway's namespace, which is where a gateway looks its
    DestinationRules up, ``DefaultSidecarScopeForGateway``), the entry their requests to it
    get (None: no DestinationRule applies there). Worked out once per VirtualService and
    host: callers must not change the list."""
    # The subsets of one host share the answer.
    return _serving(mesh, destination.virtual_service, destination.candidates)


@fact
def _serving(
    mesh: Mesh, vs: Resource, candidates: tuple[str, ...]
) -> list[tuple[str, MergedRule | None]]:
    sidecars, gateways = route_namespaces(mesh, vs)
    if sidecars is None or sidecars:
        definitions = mesh.hosts.lookup(candidates, exact=True)
        hosts = {*candidates, *(d.host for d in definitions)}
        owners = {d.resource.namespace for d in definitions}
        namespaces = client_namespaces(
            mesh, sidecars, vs.namespace, *gateways, *owners, hosts=hosts
        )
        namespaces += [n for n in gateways if n not in namespaces]
    else:
        namespaces = sorted(gateways)
    found = []
    for namespace in namespaces:
        host, service_namespace = service_for(mesh, candidates, namespace)
        entries = applicable(mesh, host, service_namespace, namespace)
        found.append((namespace, effective(entries, namespace)))
    return found


def naming(mesh: Mesh, host: str) -> list[Resource]:
    """Every DestinationRule whose host covers ``host`` in any namespace, whether or not it
    applies anywhere: the other end of a finding about a rule that does not apply."""
    memo = _by_written_host(mesh)
    found = list(memo.get(host, ()))
    dot = host.find(".")
    while dot >= 0:  # the wildcards that cover it: "*" + each of its suffixes
        found += memo.get("*" + host[dot:], ())
        dot = host.find(".", dot + 1)
    found += memo.get("*", ())
    order = _file_order(mesh)
    return sorted({id(r): r for r in found}.values(), key=lambda r: order[id(r)])


@fact
def _file_order(mesh: Mesh) -> dict[int, int]:
    return {id(r): i for i, r in enumerate(mesh.of_type(K.DESTINATION_RULE))}


@fact
def _by_written_host(mesh: Mesh) -> dict[str, list[Resource]]:
    """DestinationRules by the full name they are written for, in file order."""
    found: dict[str, list[Resource]] = {}
    for rule in mesh.of_type(K.DESTINATION_RULE):
        written = rule.spec.get("host")
        if isinstance(written, str) and written:
            found.setdefault(mesh.cluster_fqdn(written, rule.namespace), []).append(rule)
    return found


def describe_namespaces(namespaces: list[str], limit: int = 6) -> str:
    """``'a', 'b' and any other namespace`` for messages."""
    names = [n for n in dict.fromkeys(namespaces) if n != ANY_OTHER_NAMESPACE]
    shown = [repr(n) for n in names[:limit]]
    if len(names) > limit:
        shown.append(f"{len(names) - limit} more")
    if ANY_OTHER_NAMESPACE in namespaces:
        shown.append("any other namespace")
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


@fact
def routed_subsets(mesh: Mesh) -> dict[Resource, set[str]]:
    """For each DestinationRule, the subset names some route or mirror sends to with it as
    the rule that applies (``serving``)."""
    found: dict[Resource, set[str]] = {}
    for destination in mesh.destinations:
        if destination.subset is None:
            continue
        for _, entry in serving(mesh, destination):
            for served in entry.rules if entry is not None else ():
                found.setdefault(served, set()).add(destination.subset)
    return found
