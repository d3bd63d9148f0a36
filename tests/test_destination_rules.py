"""Which DestinationRule applies (meshlint.facts.destination_rules), against Istio's
PushContext.destinationRule, setDestinationRules and mergeDestinationRule."""

from meshlint.config.settings import Settings
from meshlint.facts.destination_rules import (
    ANY_OTHER_NAMESPACE,
    applicable,
    client_namespaces,
    effective,
)
from meshlint.facts.graph import build_mesh
from meshlint.input.loader import load_text
from meshlint.input.resources import extract_resources

REVIEWS = "reviews.shop.svc.cluster.local"


def rule(name: str, namespace: str, host: str, extra: str = "", subsets: str = "[]") -> str:
    return (
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
        f"metadata: {{name: {name}, namespace: {namespace}}}\n"
        f"spec:\n  host: {host!r}\n  subsets: {subsets}\n{extra}"
    )


def mesh_of(*texts: str):
    sources = [load_text("f.yaml", "---\n".join(texts))]
    return build_mesh(extract_resources(sources).resources, sources, Settings())


def applied(mesh, client: str, host: str = REVIEWS, service_namespace: str | None = "shop"):
    entry = effective(applicable(mesh, host, service_namespace, client), client)
    return [r.name for r in entry.rules] if entry else []


def test_private_root_rules_apply_to_root_clients_only():
    mesh = mesh_of(rule("root", "istio-system", "*.local", "  exportTo: ['.']\n"))
    assert applied(mesh, "istio-system") == ["root"]
    assert applied(mesh, "web") == []


def test_rules_exported_to_a_namespace_apply_there_only():
    mesh = mesh_of(rule("r", "shop", "reviews", "  exportTo: [web]\n"))
    assert applied(mesh, "web") == ["r"]
    assert applied(mesh, "other") == []
    assert applied(mesh, "shop") == []  # not exported to its own namespace


def test_the_service_namespace_wins_over_the_root():
    mesh = mesh_of(rule("root", "istio-system", "*.local"), rule("own", "shop", "reviews"))
    assert applied(mesh, "web") == ["own"]
    assert applied(mesh, "istio-system") == ["own"]  # the root's exported rules come last


def test_rules_with_different_export_to_stay_apart_and_the_last_one_applies():
    # Enhanced merge (on by default): different exportTo, no merge; SidecarScope keeps the
    # last entry without a selector.
    mesh = mesh_of(
        rule("a", "shop", "reviews", subsets="[{name: v1}]"),
        rule("b", "shop", "reviews", "  exportTo: [web]\n", subsets="[{name: v2}]"),
    )
    assert applied(mesh, "web") == ["b"]
    assert applied(mesh, "other") == ["a"]


def test_mesh_default_export_to_dot_makes_rules_private():
    config = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\n"
        "data:\n  mesh: |\n    defaultDestinationRuleExportTo: ['.']\n"
    )
    mesh = mesh_of(config, rule("own", "shop", "reviews"))
    assert applied(mesh, "shop") == ["own"]
    assert applied(mesh, "web") == []


def test_client_namespaces_of_a_route_visible_everywhere():
    mesh = mesh_of(rule("a", "shop", "reviews", "  exportTo: [web, '.']\n"))
    assert client_namespaces(mesh, None, "front") == [
        "front",
        "istio-system",
        "shop",
        "web",
        ANY_OTHER_NAMESPACE,
    ]
    assert client_namespaces(mesh, frozenset({"front"})) == ["front"]
