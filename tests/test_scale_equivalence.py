"""Queries and rules sped up with an index or a per-run memo must answer exactly what the
definition that scans everything answers. Each test keeps that definition as its oracle and
compares the two on generated meshes."""

from __future__ import annotations

import difflib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meshlint.config.settings import Settings
from meshlint.facts import service_entries
from meshlint.facts.graph import ALWAYS_NAMESPACES, build_mesh, namespace_pattern
from meshlint.facts.hosts import HostDef, HostTable
from meshlint.facts.matches import covered_matches
from meshlint.facts.policies import peer_mode, port_modes, workload_peer_modes
from meshlint.facts.selectors import gateway_selector, selection, selects, workloads_selected
from meshlint.facts.traffic import (
    OverlapIndex,
    export_scope,
    gateway_servers,
    host_overlaps,
    scopes_meet,
)
from meshlint.input.globs import glob_matcher
from meshlint.input.loader import load_text
from meshlint.input.resources import K, extract_resources
from meshlint.rules.base import HostSuggestions, closest, suggest_host
from meshlint.rules.schema import duplicate_virtual_service_host
from meshlint.rules.traffic import (
    conflicting_gateways,
    conflicting_mesh_hosts,
    duplicate_destination_rule,
    service_entry_protocol_conflict,
)

# Property tests over generated meshes and names: seconds in all.
pytestmark = pytest.mark.slow

NAMES = st.sampled_from(["a", "ab", "b", "shop", "default", "istio-system", "", "a*b"])


def _mesh(documents: list[dict], settings: Settings = Settings()):
    text = "\n---\n".join(json.dumps(document) for document in documents)
    source = load_text("mesh.yaml", text)
    return build_mesh(extract_resources([source], "default").resources, [source], settings)


def _networking(kind: str, name: str, namespace: str, spec: dict) -> dict:
    """A networking.istio.io/v1 resource as a document."""
    return {
        "apiVersion": "networking.istio.io/v1",
        "kind": kind,
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    }


def _namespace_exists_scanning(mesh, pattern: str) -> bool | None:
    known = mesh.settings.known_namespaces
    if not mesh.namespace_names and not known:
        return None
    matches = namespace_pattern(pattern)
    if any(matches(name) for name in mesh.namespace_names):
        return True
    if any(matches(name) for name in mesh.resource_namespaces | ALWAYS_NAMESPACES):
        return True
    if matches(mesh.mesh_config.root_namespace):
        return True
    return any(matches(k) or glob_matcher((k,))(pattern) for k in known)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(NAMES, max_size=4),
    st.lists(NAMES.filter(bool), max_size=4),
    st.one_of(NAMES, NAMES.map(lambda n: n + "*"), NAMES.map(lambda n: "*" + n)),
)
def test_namespace_exists_answers_what_scanning_every_namespace_does(declared, used, pattern):
    documents = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in declared
    ]
    documents += [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": n}}
        for n in used
    ]
    mesh = _mesh(documents)
    assert mesh.namespace_exists(pattern) == _namespace_exists_scanning(mesh, pattern)


LABELS = st.dictionaries(st.sampled_from(["app", "version"]), st.sampled_from("ab"), max_size=2)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["a", "b"]), LABELS), max_size=6),
    st.lists(st.tuples(LABELS, st.sampled_from(["a", "b", None])), max_size=6),
)
def test_workloads_selected_answers_what_scanning_every_workload_does(pods, queries):
    documents = [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": f"p{index}", "namespace": namespace, "labels": labels},
        }
        for index, (namespace, labels) in enumerate(pods)
    ]
    mesh = _mesh(documents)
    for selector, namespace in queries * 2:  # twice: the second answer comes from the memo
        expected = [
            w
            for w in mesh.workloads
            if selects(selector, w.labels) and namespace in (None, w.resource.namespace)
        ]
        assert workloads_selected(mesh, selector, namespace) == expected


MODES = st.sampled_from(["STRICT", "permissive", "DISABLE", "UNSET", "", 3])
PEER_AUTHENTICATION = st.fixed_dictionaries(
    {
        "namespace": st.sampled_from(["a", "b"]),
        "selector": LABELS,
        "mode": MODES,
        "ports": st.dictionaries(st.sampled_from(["80", "8080"]), MODES, max_size=2),
    }
)


def _workload_peer_modes_scanning(mesh, namespace: str | None) -> set[str]:
    found = set()
    for resource in mesh.of_type(K.PEER_AUTHENTICATION):
        if resource.namespace == namespace and selection(mesh, resource).labels is not None:
            found.add(peer_mode(resource))
            found |= port_modes(resource)
    return found


@settings(max_examples=200, deadline=None)
@given(st.lists(PEER_AUTHENTICATION, max_size=6))
def test_workload_peer_modes_answers_what_scanning_every_policy_does(policies):
    documents = [
        {
            "apiVersion": "security.istio.io/v1",
            "kind": "PeerAuthentication",
            "metadata": {"name": f"p{index}", "namespace": policy["namespace"]},
            "spec": {
                "selector": {"matchLabels": policy["selector"]},
                "mtls": {"mode": policy["mode"]},
                "portLevelMtls": {port: {"mode": mode} for port, mode in policy["ports"].items()},
            },
        }
        for index, policy in enumerate(policies)
    ]
    mesh = _mesh(documents)
    for namespace in ["a", "b", "c", None, "a"]:
        expected = _workload_peer_modes_scanning(mesh, namespace)
        assert workload_peer_modes(mesh, namespace) == expected


HOST_NAME = st.sampled_from(
    ["*", "a.com", "A.com", "b.a.com", "*.com", "*.a.com", "*.A.COM", "*a.com", "b.com", "com"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(HOST_NAME, max_size=8), HOST_NAME)
def test_overlap_index_finds_the_first_name_comparing_every_pair_does(names, name):
    expected = next((i for i, other in enumerate(names) if host_overlaps(other, name)), None)
    assert OverlapIndex(names).first_overlap(name) == expected


def _duplicate_hosts_comparing_every_pair(hosts: list[str]) -> list[tuple[int, int]]:
    names = [h.lower() for h in hosts]
    found = []
    for j in range(1, len(names)):
        for i in range(j):
            if host_overlaps(names[i], names[j]):
                found.append((j, i))
                break
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(HOST_NAME.filter(lambda h: h != "*"), max_size=8))
def test_duplicate_virtual_service_host_reports_what_comparing_every_pair_does(hosts):
    vs = _networking(
        "VirtualService",
        "vs",
        "ns",
        {"hosts": hosts, "http": [{"route": [{"destination": {"host": "a"}}]}]},
    )
    findings = list(duplicate_virtual_service_host.check(_mesh([vs]), {}))
    expected = _duplicate_hosts_comparing_every_pair(hosts)
    assert [(f.field, f.related[0].message) for f in findings] == [
        (f"spec.hosts[{j}]", f"host {hosts[i]!r}") for j, i in expected
    ]


PORT = st.fixed_dictionaries(
    {"number": st.sampled_from([80, 443])},
    optional={"protocol": st.sampled_from(["TLS", "HTTP", "http", "TCP"])},
)
SERVICE_ENTRY = st.fixed_dictionaries(
    {
        "namespace": st.sampled_from(["a", "b"]),
        "hosts": st.lists(st.sampled_from(["x.com", "X.com", "y.com"]), min_size=1, max_size=2),
        "ports": st.lists(PORT, min_size=1, max_size=2),
    },
    optional={"exportTo": st.sampled_from([["."], ["*"], ["a"], ["b", "~"], ["~"], "a,b"])},
)


def _visible_together(a, b) -> bool:
    """Some namespace sees both entries: the definition the port index must agree with."""
    return scopes_meet(export_scope(a), export_scope(b))


def _service_entries(entries: list[dict]):
    return _mesh(
        [
            _networking(
                "ServiceEntry", f"se{index}", entry.pop("namespace"), {**entry, "resolution": "DNS"}
            )
            for index, entry in enumerate(entries)
        ]
    )


def _shared_ports_comparing_every_pair(mesh) -> dict:
    found = {}
    for key, items in service_entries.port_groups(mesh).items():
        kept = [
            item
            for item in items
            if any(
                o.entry is not item.entry and _visible_together(item.entry, o.entry) for o in items
            )
        ]
        if kept:
            found[key] = kept
    return found


def _protocol_conflicts_comparing_every_pair(mesh) -> list[tuple[object, object]]:
    found = []
    for ports in _shared_ports_comparing_every_pair(mesh).values():
        declared = [p for p in ports if p.protocol is not None]
        for port in declared:
            others = [
                o
                for o in declared
                if o.entry is not port.entry
                and o.protocol != port.protocol
                and _visible_together(port.entry, o.entry)
            ]
            if others:
                found.append((port, others[0]))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(SERVICE_ENTRY, max_size=5))
def test_service_entry_rules_report_what_comparing_every_pair_does(entries):
    mesh = _service_entries(entries)
    assert service_entries.shared_ports(mesh) == _shared_ports_comparing_every_pair(mesh)
    findings = list(service_entry_protocol_conflict.check(mesh, {}))
    expected = _protocol_conflicts_comparing_every_pair(mesh)
    assert len(findings) == len(expected)
    for finding, (port, other) in zip(findings, expected, strict=True):
        assert finding.resource.name == port.entry.name
        assert finding.field == f"spec.ports[{port.path[-1]}].protocol"
        assert f"{port.protocol} here but {other.protocol} in {other.entry.display};" in (
            finding.message
        )
        line, column = other.entry.locate(other.path)
        assert (finding.related[0].line, finding.related[0].column) == (line + 1, column + 1)


VIRTUAL_SERVICE = st.fixed_dictionaries(
    {
        "namespace": st.sampled_from(["a", "b", "c"]),
        "hosts": st.lists(
            st.sampled_from(["r", "r.a.svc.cluster.local", "R.a", "x.com", "*.com", "*.x.com"]),
            min_size=1,
            max_size=3,
        ),
    },
    optional={
        "exportTo": st.sampled_from([["."], ["*"], ["a"], ["b", "~"], ["~"], "a,c"]),
        "gateways": st.sampled_from([["mesh"], ["gw"], ["gw", "mesh"]]),
    },
)


def _mesh_host_conflicts_comparing_every_pair(mesh) -> list[tuple[str, str, str, list]]:
    groups: dict[str, list] = {}
    wildcards: list = []
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        if not conflicting_mesh_hosts._bound_to_mesh(vs):
            continue
        scope = export_scope(vs)
        for index, host in enumerate(vs.spec["hosts"]):
            fqdn = mesh.cluster_fqdn(host, vs.namespace).lower()
            entry = (vs, index, fqdn, scope)
            (wildcards if fqdn.startswith("*") else groups.setdefault(fqdn, [])).append(entry)
    found = []
    for group in [*groups.values(), wildcards]:
        for vs, index, host, scope in group if len(group) > 1 else ():
            others = [
                other
                for other in group
                if other[0] is not vs
                and (other[2] == host or host_overlaps(host, other[2]))
                and scopes_meet(scope, other[3])
            ]
            if others:
                names = ", ".join(sorted({o[0].display for o in others}))
                where = [o[0].locate(("spec", "hosts", o[1])) for o in others]
                found.append((vs.name, f"spec.hosts[{index}]", names, where))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(VIRTUAL_SERVICE, max_size=5))
def test_conflicting_mesh_hosts_reports_what_comparing_every_pair_does(services):
    mesh = _mesh(
        [
            _networking(
                "VirtualService",
                f"vs{index}",
                service.pop("namespace"),
                {**service, "http": [{"route": [{"destination": {"host": "r"}}]}]},
            )
            for index, service in enumerate(services)
        ]
    )
    findings = list(conflicting_mesh_hosts.check(mesh, {}))
    expected = _mesh_host_conflicts_comparing_every_pair(mesh)
    assert len(findings) == len(expected)
    for finding, (name, field, names, where) in zip(findings, expected, strict=True):
        assert (finding.resource.name, finding.field) == (name, field)
        assert f"is also defined for the mesh by {names};" in finding.message
        assert [(r.line - 1, r.column - 1) for r in finding.related] == where


class _Owner:
    def __init__(self, namespace: str | None) -> None:
        self.namespace = namespace


NAMESPACE = st.sampled_from(["a", "b", ".", None])
HOST_DEF = st.tuples(
    st.sampled_from(["x.com", "y.x.com", "*.x.com", "*.com", "*", "r.a.svc.cluster.local"]),
    NAMESPACE,
    st.one_of(
        st.none(),
        st.frozensets(st.sampled_from([".", "*", "~", "a", "b"]), min_size=1, max_size=3),
    ),
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(HOST_DEF, max_size=8),
    st.lists(st.sampled_from(["x.com", "y.x.com", "*.x.com", "z.y.x.com", "r.a"]), max_size=2),
    NAMESPACE,
)
def test_visible_lookup_answers_what_testing_every_definition_does(defs, names, namespace):
    table = HostTable()
    for index, (host, owner, export_to) in enumerate(defs):
        table.add(HostDef(host, _Owner(owner), export_to, ("spec", "hosts", index)))
        # Asked between additions too: the index must follow the table as it grows.
        expected = [d for d in table.lookup(names) if d.visible_from(namespace)]
        assert table.visible_lookup(names, namespace) == expected
        assert table.first_visible(names, namespace) == (expected[0] if expected else None)


DESTINATION_RULE = st.fixed_dictionaries(
    {
        "namespace": st.sampled_from(["a", "b"]),
        "host": st.sampled_from(["r", "r.a.svc.cluster.local", "R.b", "x.com"]),
        "subsets": st.lists(st.sampled_from(["v1", "v2"]), max_size=2),
    },
    optional={"exportTo": st.sampled_from([["."], ["*"], ["b"], ["~"]])},
)


def _duplicate_rules_comparing_every_pair(mesh) -> list[tuple[str, str]]:
    by_host: dict[str, list] = {}
    for rule in mesh.of_type(K.DESTINATION_RULE):
        host = mesh.cluster_fqdn(rule.spec["host"], rule.namespace).lower()
        by_host.setdefault(host, []).append(rule)
    found = []
    for rules in by_host.values():
        for rule in rules:
            for other in rules:
                if other is rule or other.namespace != rule.namespace:
                    continue
                clash = duplicate_destination_rule._clash(rule, other)
                if clash is None or not scopes_meet(export_scope(rule), export_scope(other)):
                    continue
                found.append((rule.name, other.name))
                break
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(DESTINATION_RULE, max_size=6))
def test_duplicate_destination_rule_reports_what_comparing_every_pair_does(rules):
    documents = []
    for index, rule in enumerate(rules):
        spec = {"host": rule["host"], "subsets": [{"name": n} for n in rule["subsets"]]}
        if "exportTo" in rule:
            spec["exportTo"] = rule["exportTo"]
        documents.append(_networking("DestinationRule", f"dr{index}", rule["namespace"], spec))
    mesh = _mesh(documents)
    findings = list(duplicate_destination_rule.check(mesh, {}))
    expected = _duplicate_rules_comparing_every_pair(mesh)
    assert [f.resource.name for f in findings] == [name for name, _ in expected]
    displays = [f.message.split(" also configures ")[0] for f in findings]
    names = {r.name: r.display for r in mesh.of_type(K.DESTINATION_RULE)}
    assert displays == [names[other] for _, other in expected]


def _covered_comparing_every_pair(vs) -> list:
    """The definition ``matches._covered_matches`` had before it was indexed."""
    from meshlint.facts.matches import Covered, _normal, covers

    found = []
    for section in ("http", "tcp", "tls"):
        rules = vs.spec.get(section)
        if not isinstance(rules, list):
            continue
        seen: list = []
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
                    found.append(Covered(section, index, None, *catch_all, False, True, True))
                seen.append((index, None, {}))
                continue
            hits = []
            for position, condition in conditions:
                earlier = [(r, m, c) for r, m, c in seen if covers(c, condition)]
                if earlier:
                    r, m, c = earlier[0]
                    hits.append((position, r, m, _normal(c) == _normal(condition), not _normal(c)))
                seen.append((index, position, condition))
            whole = len(hits) == len(conditions)
            for position, r, m, duplicate, catch_all in hits:
                found.append(Covered(section, index, position, r, m, duplicate, whole, catch_all))
    return found


STRING_MATCH = st.one_of(
    st.fixed_dictionaries({"prefix": st.sampled_from(["/", "/a", "/ab", "/b", ""])}),
    st.fixed_dictionaries({"exact": st.sampled_from(["/a", "/ab", "/abc", "/b"])}),
    st.fixed_dictionaries({"regex": st.sampled_from(["/a.*", "/b"])}),
    st.fixed_dictionaries({"prefix": st.just("/a"), "exact": st.just("/ab")}),
    st.sampled_from(["/a", None, 3]),
)
HEADERS = st.dictionaries(st.sampled_from(["x", "y"]), STRING_MATCH, max_size=2)
PORT_VALUE = st.one_of(st.sampled_from([80, 443, 80.0, True, "80"]), st.just([80]))
MATCH = st.one_of(
    st.fixed_dictionaries({"uri": STRING_MATCH}),
    st.fixed_dictionaries({"uri": STRING_MATCH}, optional={"ignoreUriCase": st.booleans()}),
    st.fixed_dictionaries({"uri": STRING_MATCH, "headers": HEADERS}),
    st.fixed_dictionaries({"headers": HEADERS}, optional={"name": st.just("m")}),
    st.fixed_dictionaries({"port": PORT_VALUE}),
    st.fixed_dictionaries({"port": PORT_VALUE, "sniHosts": st.lists(st.sampled_from("ab"))}),
    st.fixed_dictionaries({"method": STRING_MATCH}),
    st.just({}),
)
ROUTE_RULE = st.one_of(
    st.fixed_dictionaries({}, optional={"match": st.lists(MATCH, max_size=3)}),
    st.just("not a rule"),
)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(["http", "tcp", "tls"]), st.lists(ROUTE_RULE, max_size=7)))
def test_covered_matches_answers_what_comparing_every_pair_does(spec):
    vs = _networking("VirtualService", "vs", "ns", {"hosts": ["r"], **spec})
    mesh = _mesh([vs])
    (resource,) = mesh.of_type(K.VIRTUAL_SERVICE)
    assert covered_matches(mesh, resource) == _covered_comparing_every_pair(resource)


HOSTS = ["a.com", "A.com", "b.com", "*", "ns/b.com"]
GATEWAY_LABELS = st.dictionaries(st.sampled_from(["istio", "app", "zone"]), st.sampled_from("ab"))
SERVER = st.fixed_dictionaries(
    {
        "port": st.fixed_dictionaries(
            {
                "number": st.sampled_from([80, 443]),
                "protocol": st.sampled_from(["HTTP", "HTTPS", "TCP", "TLS", ""]),
            }
        ),
        "hosts": st.lists(st.sampled_from(HOSTS), max_size=2),
    }
)
GATEWAY = st.fixed_dictionaries(
    {"selector": GATEWAY_LABELS, "servers": st.lists(SERVER, max_size=3)}
)


def _pairwise_clashes(mesh) -> list[tuple[str, int, list[tuple[str, int, str]]]]:
    """Each server that clashes, with what it clashes with: every pair on a port compared."""
    servers = [
        (gateway, gateway_selector(gateway), server)
        for gateway in mesh.of_type(K.GATEWAY)
        for server in gateway_servers(gateway)
        if server.port is not None
    ]
    found = []
    for port in dict.fromkeys(server.port for _, _, server in servers):
        on_port = [entry for entry in servers if entry[2].port == port]
        for gateway, selector, server in on_port:
            clashes = [
                (other.name, other_server.index, reason)
                for other, other_selector, other_server in on_port
                if other is not gateway
                and conflicting_gateways.share_proxies(selector, other_selector)
                and (reason := conflicting_gateways._clash(server, other_server)) is not None
            ]
            if clashes:
                found.append((gateway.name, server.index, clashes))
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(GATEWAY, max_size=6))
def test_conflicting_gateways_reports_what_comparing_every_pair_does(specs):
    mesh = _mesh(
        [_networking("Gateway", f"g{index}", "ns", spec) for index, spec in enumerate(specs)]
    )
    expected = _pairwise_clashes(mesh)
    findings = list(conflicting_gateways.check(mesh, {}))
    assert len(findings) == len(expected)
    for finding, (name, index, clashes) in zip(findings, expected, strict=True):
        assert finding.resource.name == name
        assert finding.field == f"spec.servers[{index}].port.number"
        assert f"({clashes[0][2]})" in finding.message
        assert len(finding.related) == len(clashes)


HOST = st.lists(st.sampled_from(["ratings", "rating", "reviews", "a", "shop", "svc"]), min_size=1)


WORD = st.text(alphabet="abcs0129.-", max_size=12)


@settings(max_examples=1000, deadline=None)
@given(WORD, st.lists(WORD, max_size=30))
def test_closest_is_what_difflib_finds_comparing_every_candidate(word, candidates):
    expected = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    assert closest(word, candidates) == (expected[0] if expected else None)


def _differing_part(a: str, b: str) -> tuple[str, str]:
    """``a`` and ``b`` without the dot-separated labels they share at the end, then at the
    start, written out plainly."""
    x, y = a.split("."), b.split(".")
    while x and y and x[-1] == y[-1]:
        x, y = x[:-1], y[:-1]
    while x and y and x[0] == y[0]:
        x, y = x[1:], y[1:]
    return ".".join(x), ".".join(y)


def _host_suggestion_by_difflib(word: str, names: list[str]) -> str | None:
    """difflib's choice (``get_close_matches``: best ratio, at least 0.6, ties to the
    greater name) where each name is scored on the part that differs from ``word``."""
    scored = []
    for name in names:
        compared, differing = _differing_part(name, word)
        if difflib.get_close_matches(differing, [compared], n=1, cutoff=0.6):
            scored.append((difflib.SequenceMatcher(None, compared, differing).ratio(), name))
    return max(scored)[1] if scored else None


@settings(max_examples=300, deadline=None)
@given(st.lists(HOST.map(".".join) | WORD, max_size=12), HOST.map(".".join) | WORD)
def test_host_suggestion_is_difflib_over_the_differing_labels(names, full):
    expected = _host_suggestion_by_difflib(full, names)
    assert HostSuggestions(names).closest(full) == expected
    assert suggest_host(full, names) == (f" (did you mean {expected!r}?)" if expected else "")
