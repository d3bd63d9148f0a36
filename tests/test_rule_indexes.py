"""Rules that use an index instead of comparing every pair must report exactly what the
pairwise definition reports. Each test keeps that definition as its oracle and compares the
two on generated meshes."""

from __future__ import annotations

import difflib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from meshlint.graph import build_mesh
from meshlint.loader import load_text
from meshlint.model import K, extract_resources
from meshlint.rules import conflicting_gateways, dangling_host
from meshlint.rules.base import closest, suggest
from meshlint.settings import Settings
from meshlint.traffic import gateway_selector, gateway_servers

HOSTS = ["a.com", "A.com", "b.com", "*", "ns/b.com"]
LABELS = st.dictionaries(st.sampled_from(["istio", "app", "zone"]), st.sampled_from("ab"))
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
GATEWAY = st.fixed_dictionaries({"selector": LABELS, "servers": st.lists(SERVER, max_size=3)})


def _mesh(specs: list[dict]):
    documents = [
        {
            "apiVersion": "networking.istio.io/v1",
            "kind": "Gateway",
            "metadata": {"name": f"g{index}", "namespace": "ns"},
            "spec": spec,
        }
        for index, spec in enumerate(specs)
    ]
    text = "\n---\n".join(json.dumps(document) for document in documents)
    source = load_text("gateways.yaml", text)
    return build_mesh(extract_resources([source], "default").resources, [source], Settings())


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
    mesh = _mesh(specs)
    expected = _pairwise_clashes(mesh)
    findings = list(conflicting_gateways.check(mesh, {}))
    assert len(findings) == len(expected)
    for finding, (name, index, clashes) in zip(findings, expected, strict=True):
        assert finding.resource.name == name
        assert finding.field == f"spec.servers[{index}].port.number"
        assert f"({clashes[0][2]})" in finding.message
        assert len(finding.related) == len(clashes)


def _suggestion_comparing_every_name(full: str, names: list[str]) -> str:
    first, dot, suffix = full.partition(".")
    if not dot:
        return suggest(full, names)
    siblings = {n[: -len(suffix) - 1]: n for n in names if n.endswith("." + suffix)}
    close = closest(first, siblings)
    if close:
        return f" (did you mean {siblings[close]!r}?)"
    return suggest(full, [n for n in names if not n.endswith("." + suffix)])


HOST = st.lists(st.sampled_from(["ratings", "rating", "reviews", "a", "shop", "svc"]), min_size=1)


WORD = st.text(alphabet="abcs0129.-", max_size=12)


@settings(max_examples=1000, deadline=None)
@given(WORD, st.lists(WORD, max_size=30))
def test_closest_is_what_difflib_finds_comparing_every_candidate(word, candidates):
    expected = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    assert closest(word, candidates) == (expected[0] if expected else None)


@settings(max_examples=300, deadline=None)
@given(st.lists(HOST.map(".".join), max_size=12), HOST.map(".".join))
def test_dangling_host_suggests_what_scanning_every_name_does(names, full):
    names = list(dict.fromkeys(names))
    expected = _suggestion_comparing_every_name(full, names)
    assert dangling_host._HostNames(names).suggestion(full) == expected
