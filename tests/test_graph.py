"""``meshlint graph``: golden output of every format on examples/, the filters, a mesh with
several gateways and namespaces, and each finding on the node or edge it concerns."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess

import pytest
from graphs import MULTI, ROOT, graph, graph_json
from renderers import need_kustomize
from reporting import assert_snapshot

from meshlint.outputs.graph.dot import quote

FORMATS = {"tree": "txt", "mermaid": "mmd", "dot": "dot", "json": "json"}


@pytest.mark.parametrize("format_name", FORMATS)
def test_examples_snapshot(monkeypatch, format_name):
    need_kustomize()  # the gitops overlays are meshes of their own
    text = graph(monkeypatch, "examples/", "--format", format_name)
    assert_snapshot(f"graph/examples.{FORMATS[format_name]}", text)


def test_bookstore_tree_snapshot(monkeypatch):
    text = graph(monkeypatch, "examples/bookstore")
    assert_snapshot("graph/bookstore.txt", text)


def test_every_mesh_is_a_graph_headed_by_its_name(monkeypatch):
    need_kustomize()
    names = [mesh["name"] for mesh in graph_json(monkeypatch, "examples/")["meshes"]]
    assert names == [
        ".",
        "examples/gitops/clusters/dev",
        "examples/gitops/clusters/prod",
        "examples/gitops/clusters/staging",
        "examples/gitops/apps/ratings/overlays/dev",
        "examples/gitops/apps/ratings/overlays/staging",
    ]
    tree = graph(monkeypatch, "examples/")
    assert all(f"mesh {name}\n" in tree for name in names)


def _nodes(mesh: dict) -> dict[str, dict]:
    return {node["id"]: node for node in mesh["nodes"]}


def _edge(mesh: dict, source: str, target: str, kind: str) -> dict:
    found = [
        e for e in mesh["edges"] if (e["source"], e["target"], e["kind"]) == (source, target, kind)
    ]
    assert len(found) == 1, (source, target, kind)
    return found[0]


def _codes(element: dict) -> list[str]:
    return [f["code"] for f in element["findings"]]


def test_findings_on_the_bookstore_graph(monkeypatch):
    (mesh,) = graph_json(monkeypatch, "examples/bookstore")["meshes"]
    nodes = _nodes(mesh)
    # the pack's route-timeout-shorter-than-retries (its timeout, line 17) and weight-sum on
    # the route they are about
    assert _codes(nodes["route:bookstore/bookstore:http[0]"]) == ["MP006", "ML201"]
    # dangling-host on the route edge to the host nothing defines, which is marked
    inventory = "host:inventroy.bookstore.svc.cluster.local"
    edge = _edge(mesh, "route:bookstore/catalog:http[0]", inventory, "routes_to")
    assert _codes(edge) == ["ML101"]
    assert nodes[inventory]["dangling"]
    # dangling-subset on the route edge to the subset no DestinationRule defines
    stable = "subset:catalog.bookstore.svc.cluster.local/stable"
    assert _codes(_edge(mesh, "route:bookstore/catalog:http[1]", stable, "routes_to")) == ["ML102"]
    assert "'stable'" in nodes[stable]["dangling"]
    # nothing else carries a finding; the rest concern nothing on the graph
    carrying = [e for e in [*mesh["nodes"], *mesh["edges"]] if e["findings"]]
    assert len(carrying) == 3
    assert sorted(_codes({"findings": mesh["unattached_findings"]})) == ["ML301", "ML401"]


def test_real_weights_as_istio_normalises_them(monkeypatch):
    (mesh,) = graph_json(monkeypatch, "examples/bookstore")["meshes"]
    route = "route:bookstore/bookstore:http[0]"
    v1 = _edge(mesh, route, "subset:catalog.bookstore.svc.cluster.local/v1", "routes_to")
    v2 = _edge(mesh, route, "subset:catalog.bookstore.svc.cluster.local/v2", "routes_to")
    assert (v1["details"]["weight"], v1["details"]["share_percent"]) == (90, 81.8)
    assert (v2["details"]["weight"], v2["details"]["share_percent"]) == (20, 18.2)
    assert v1["label"] == "weight 90 = 81.8%"


def test_several_gateways_and_namespaces(monkeypatch):
    (mesh,) = graph_json(monkeypatch, MULTI)["meshes"]
    nodes = _nodes(mesh)
    roots = [n["id"] for n in mesh["nodes"] if n["kind"] in ("gateway", "mesh")]
    assert roots == [
        "gateway:ingress/public",
        "gateway:edge/partner",
        "mesh",
        "gateway:shop/nowhere",
    ]
    # payments is bound to its gateway and to the sidecars
    payments = "virtualservice:payments/payments"
    _edge(mesh, "gateway:edge/partner", payments, "binds")
    _edge(mesh, "mesh", payments, "binds")
    # each gateway's proxies, each DestinationRule for the clients it serves
    _edge(mesh, "gateway:ingress/public", "deployment:ingress/ingressgateway", "selects")
    cart = "host:cart.shop.svc.cluster.local"
    assert _edge(mesh, "destinationrule:shop/cart", cart, "configures")["details"] == {
        "clients": ["ingress"]
    }
    # a Gateway that does not exist is a dangling root; the finding is on the binding
    assert nodes["gateway:shop/nowhere"]["dangling"] == "no Gateway shop/nowhere in the files"
    bind = _edge(mesh, "gateway:shop/nowhere", "virtualservice:shop/ghost", "binds")
    assert _codes(bind) == ["ML103"]
    # a subset whose labels match no workload of the Service, with its finding
    v9 = nodes["subset:cart.shop.svc.cluster.local/v9"]
    assert "match no workload" in v9["dangling"] and _codes(v9) == ["ML118"]
    # a mirror to a missing subset: the share mirrored, the finding on the mirror edge
    route = "route:shop/storefront:http[0]"
    mirror = _edge(mesh, route, "subset:cart.shop.svc.cluster.local/v3", "mirrors_to")
    assert mirror["details"]["mirror_percent"] == 5.0 and _codes(mirror) == ["ML102"]
    # a finding about a Gateway's server is on the Gateway; a proxy's on the workload
    assert _codes(nodes["gateway:ingress/public"]) == ["ML116"]
    assert _codes(nodes["deployment:ingress/ingressgateway"]) == ["ML419"]
    # a ServiceEntry defines the external host
    _edge(mesh, "serviceentry:shop/partner-api", "host:api.partner.example.com", "defines_host")


def test_the_rules_and_settings_of_a_normal_run_apply(monkeypatch):
    (mesh,) = graph_json(monkeypatch, "examples/bookstore", "--ignore", "ML101")["meshes"]
    inventory = "host:inventroy.bookstore.svc.cluster.local"
    assert _edge(mesh, "route:bookstore/catalog:http[0]", inventory, "routes_to")["findings"] == []
    assert _nodes(mesh)[inventory]["dangling"]  # the graph still shows the dangling end
    argv = ("examples/bookstore", "--known-host", "inventroy.*")
    (mesh,) = graph_json(monkeypatch, *argv)["meshes"]
    assert _nodes(mesh)[inventory]["dangling"] is None
    assert _nodes(mesh)[inventory]["details"] == {"outside": "declared in known-hosts"}


def test_tree_marks_dangling_ends_and_findings(monkeypatch):
    tree = graph(monkeypatch, MULTI)
    assert "✗ dangling: no Gateway shop/nowhere in the files" in tree
    assert "⇉ mirror cart.shop.svc.cluster.local subset v3  mirror 5%" in tree
    assert "✖ error ML103 dangling-gateway:" in tree
    assert "findings on nothing drawn here" not in tree  # every finding is on the graph


def _virtual_services(mesh: dict) -> list[str]:
    return [n["id"] for n in mesh["nodes"] if n["kind"] == "virtualservice"]


def test_filter_by_namespace(monkeypatch):
    (mesh,) = graph_json(monkeypatch, MULTI, "--namespace", "payments")["meshes"]
    assert _virtual_services(mesh) == ["virtualservice:payments/payments"]
    assert mesh["unattached_findings"] == []
    (mesh,) = graph_json(monkeypatch, MULTI, "--namespace", "ingress")["meshes"]
    assert _virtual_services(mesh) == ["virtualservice:shop/storefront"]  # bound there


def test_filter_by_host_glob(monkeypatch):
    (mesh,) = graph_json(monkeypatch, MULTI, "--host", "ghost.*")["meshes"]
    assert _virtual_services(mesh) == ["virtualservice:shop/ghost"]
    (mesh,) = graph_json(monkeypatch, MULTI, "--host", "cart.shop.svc.*")["meshes"]
    assert _virtual_services(mesh) == ["virtualservice:shop/storefront"]


def test_filter_by_gateway(monkeypatch):
    (mesh,) = graph_json(monkeypatch, MULTI, "--gateway", "edge/partner")["meshes"]
    assert [n["id"] for n in mesh["nodes"] if n["kind"] in ("gateway", "mesh")] == [
        "gateway:edge/partner"
    ]
    assert _virtual_services(mesh) == ["virtualservice:payments/payments"]


def test_filters_combine_and_may_match_nothing(monkeypatch):
    argv = ("--gateway", "edge/partner", "--namespace", "shop")
    assert graph_json(monkeypatch, MULTI, *argv)["meshes"] == []


def test_gateway_filter_needs_a_namespace(monkeypatch):
    graph(monkeypatch, MULTI, "--gateway", "partner", status=2)


def test_json_contract(monkeypatch):
    data = graph_json(monkeypatch, MULTI)
    assert data["schema_version"] == 1
    (mesh,) = data["meshes"]
    assert set(mesh) == {"name", "nodes", "edges", "unattached_findings"}
    node_keys = {"id", "kind", "label", "resource", "file", "line", "details", "dangling"}
    for node in mesh["nodes"]:
        assert set(node) == node_keys | {"findings"}
    for edge in mesh["edges"]:
        assert set(edge) == {"source", "target", "kind", "label", "details", "findings"}
    finding = mesh["nodes"][0]["findings"][0]
    assert set(finding) == {
        "code",
        "name",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "field",
    }
    assert finding["file"] == f"{MULTI}/gateways.yaml"


def test_dot_quoting():
    assert quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert quote("one\ntwo") == '"one\\ltwo\\l"'


def test_dot_output_is_read_by_graphviz(monkeypatch, tmp_path):
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz `dot` is not installed: the DOT output is not laid out")
    text = graph(monkeypatch, MULTI, "--format", "dot")
    result = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_docs_excerpt_is_what_meshlint_prints(monkeypatch):
    page = (ROOT / "docs" / "graph.md").read_text()
    command = re.search(r"`(meshlint graph [^`]*)` prints", page)[1]
    excerpt = re.search(r"` prints:\n\n```text\n(.*?)```", page, re.S)[1]
    assert graph(monkeypatch, *shlex.split(command)[2:], "--no-color") == excerpt
