"""The facts layer answers each question once (STYLE.md, "Facts: one answer per question").

Rules ask the facts layer which workloads a selector picks, what a VirtualService's routes
are and what the root namespace is; a rule that walks those raw dicts itself gives a second
answer that drifts from the first. These tests read every rule module's source and fail on
such a walk, and pin the bug two answers once caused (the root namespace).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from meshlint.config.settings import Settings
from meshlint.engine.analyse import analyse_sources
from meshlint.engine.run import Run
from meshlint.facts.graph import build_mesh
from meshlint.facts.memo import fact
from meshlint.input.loader import load_text
from meshlint.input.resources import extract_resources
from meshlint.rules import select_rules

PACKAGE = Path(__file__).resolve().parent.parent / "meshlint"
RULE_MODULES = sorted(p for p in (PACKAGE / "rules").rglob("*.py") if p.name != "__init__.py")

# Keys of a VirtualService rule that only facts/routes.py reads.
ROUTE_KEYS = {"http", "tcp", "route", "mirror", "mirrors"}
# Keys of a workload selector that only facts/selectors.py (and the fact modules that
# model one resource kind) read.
SELECTOR_KEYS = {"matchLabels", "matchExpressions", "workloadSelector", "selector"}
# Reading these settings or mesh-config fields directly bypasses the one answer.
OWN_ANSWERS = {"parse_known_workloads", "ROUTE_SECTIONS"}


def _key(node: ast.AST) -> object:
    """The constant key of ``x.get("k", ...)`` or ``x["k"]``, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return node.args[0].value
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return node.slice.value
    return None


def _is_label_match(node: ast.AST) -> bool:
    """``all(labels.get(k) == v for k, v in selector.items())``: selector matching."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return False
    if node.func.id != "all" or not node.args or not isinstance(node.args[0], ast.GeneratorExp):
        return False
    generator = node.args[0]
    iterates_items = any(
        isinstance(g.iter, ast.Call)
        and isinstance(g.iter.func, ast.Attribute)
        and g.iter.func.attr == "items"
        for g in generator.generators
    )
    compares_get = isinstance(generator.elt, ast.Compare) and any(
        _key(n) is None
        and isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "get"
        for n in ast.walk(generator.elt)
    )
    return iterates_items and compares_get


def own_answers(source: str) -> list[str]:
    """Where ``source`` walks routes, reads selectors or matches labels itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        key = _key(node)
        if key in ROUTE_KEYS:
            found.append(f"line {node.lineno}: reads route key {key!r} (use facts.routes)")
        elif key in SELECTOR_KEYS:
            found.append(f"line {node.lineno}: reads selector {key!r} (use facts.selectors)")
        elif isinstance(node, ast.Name) and node.id in OWN_ANSWERS:
            found.append(f"line {node.lineno}: uses {node.id} (ask the facts layer)")
        elif isinstance(node, ast.Attribute) and node.attr == "root_namespace":
            owner = node.value
            if not (isinstance(owner, ast.Name) and owner.id == "mesh"):
                found.append(
                    f"line {node.lineno}: reads a root namespace (use mesh.root_namespace)"
                )
        elif _is_label_match(node):
            found.append(f"line {node.lineno}: matches labels itself (use facts.selectors)")
    return found


@pytest.mark.parametrize("path", RULE_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_rules_ask_the_facts_layer(path):
    assert own_answers(path.read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        'def f(vs):\n    for rule in vs.spec.get("http", []):\n        pass\n',
        'def f(rule):\n    return rule["route"]\n',
        'def f(p):\n    return p.spec.get("selector")\n',
        "def f(s, labels):\n    return all(labels.get(k) == v for k, v in s.items())\n",
        "def f(mesh):\n    return mesh.mesh_config.root_namespace\n",
        "def f(mesh):\n    return mesh.settings.root_namespace\n",
        "from meshlint.config.settings import parse_known_workloads\n"
        "def f(mesh):\n    return parse_known_workloads(mesh.settings.known_workloads)\n",
    ],
)
def test_the_check_finds_a_second_answer(source):
    assert own_answers(source)


def test_the_check_accepts_asking():
    source = (
        "def f(mesh, vs, policy):\n"
        "    for rule in route_rules(mesh, vs):\n"
        "        yield rule.body.get('fault'), selection(mesh, policy), mesh.root_namespace\n"
    )
    assert own_answers(source) == []


GATEWAY = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: beta, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http:
  - match:
    - headers:
        "@request.auth.claims.group": {exact: beta-testers}
    route:
    - destination: {host: frontend-beta}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop/shop.example.com"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec:
      containers: [{name: istio-proxy, image: auto}]
"""

MESH_CONFIG = """\
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    rootNamespace: istio-config
"""


def _authn(namespace: str) -> str:
    return f"""\
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {{name: mesh-jwt, namespace: {namespace}}}
spec:
  jwtRules:
  - issuer: https://auth.example.com
"""


def _fires(text: str) -> bool:
    rules = select_rules(["jwt-claim-route-without-authn"])
    report = analyse_sources([load_text("mesh.yaml", text)], Run(rules=rules))
    return any(f.rule == "jwt-claim-route-without-authn" for f in report.findings)


def test_a_mesh_wide_request_authentication_in_the_configured_root_namespace_covers():
    """``rootNamespace: istio-config``: a selector-less RequestAuthentication there applies
    mesh-wide, one in istio-system applies to that namespace only (here: also the gateway's,
    so it covers too), and one elsewhere covers nothing. Before the facts layer, the rule
    read the root namespace from the settings and reported the first case."""
    assert not _fires(GATEWAY + MESH_CONFIG + _authn("istio-config"))
    assert _fires(GATEWAY + MESH_CONFIG + _authn("shop"))
    assert _fires(GATEWAY + _authn("istio-config"))  # without the mesh config: not the root
    assert not _fires(GATEWAY + _authn("istio-system"))


def test_every_consumer_reads_the_same_root_namespace():
    text = GATEWAY + MESH_CONFIG
    sources = [load_text("mesh.yaml", text)]
    resources = extract_resources(sources, "default").resources
    mesh = build_mesh(resources, sources, Settings())
    assert mesh.root_namespace == "istio-config" == mesh.mesh_config.root_namespace


def test_a_fact_is_computed_once_per_mesh_and_arguments():
    calls = []

    @fact
    def count(mesh, name, flag=False):
        calls.append((name, flag))
        return [name]

    sources = [load_text("mesh.yaml", GATEWAY)]
    mesh = build_mesh(extract_resources(sources, "default").resources, sources, Settings())
    first = count(mesh, "a")
    assert count(mesh, "a") is first
    count(mesh, "a", flag=True)
    count(mesh, "b")
    other = build_mesh([], [], Settings())
    count(other, "a")
    assert calls == [("a", False), ("a", True), ("b", False), ("a", False)]
