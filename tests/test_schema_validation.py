"""Schema validation itself: both backends agree, odd input never raises, and validation
runs once per mesh however many schema rules are selected."""

from __future__ import annotations

import json

import pytest
from golden import load_cases

from meshlint.config.settings import Settings
from meshlint.engine.analyse import analyse_sources
from meshlint.engine.run import Run
from meshlint.facts.graph import build_mesh
from meshlint.input.loader import load_text
from meshlint.input.resources import extract_resources
from meshlint.rules import select_rules
from meshlint.schemas import validate
from meshlint.schemas.validate import SchemaProblemKind, resource_problems, schema_problems

SCHEMA_CASES = [c for c in load_cases() if c.rule.startswith("schema-")]


def _resources(text: str):
    return extract_resources([load_text("x.yaml", text)]).resources


@pytest.mark.parametrize("case", SCHEMA_CASES, ids=[c.id for c in SCHEMA_CASES])
def test_python_fallback_reports_the_same_problems(case):
    for text in case.files.values():
        for resource in _resources(text):
            fast = resource_problems(resource, use_rust=True)
            slow = resource_problems(resource, use_rust=False)
            assert sorted(map(repr, fast)) == sorted(map(repr, slow))


ODD = [
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec: just text\n",
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec:\n",
    "apiVersion: networking.istio.io/v1\nkind: Gateway\nspec: {servers: [1, null, [], x]}\n",
    "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
    "spec: {host: 12, trafficPolicy: {outlierDetection: {consecutive5xxErrors: .nan}}}\n",
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
    "spec: {hosts: [a], http: [{timeout: 99999999999999999999999999999}]}\n",
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
    "spec: {hosts: [!!binary aGVsbG8=], 8080: x, true: y}\n",
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
    "spec: &a {hosts: [a], http: [{route: [{destination: {host: *a}}]}]}\n",
    "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
    "spec: {hosts: [2024-01-01], exportTo: [{'.': 1}]}\n",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_input_is_reported_not_raised(text):
    report = analyse_sources([load_text("odd.yaml", text)], Run(rules=select_rules(["ML50"])))
    assert report.internal_errors == 0
    for finding in report.findings:
        assert finding.line >= 1 and finding.column >= 1


def test_validation_runs_once_per_mesh(monkeypatch):
    text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec: {hostz: [a]}\n"
    sources = [load_text("x.yaml", text)]
    calls = []
    original = validate.resource_problems

    def counting(resource, user_dir=None, use_rust=True):
        calls.append(resource)
        return original(resource, user_dir, use_rust)

    monkeypatch.setattr(validate, "resource_problems", counting)
    report = analyse_sources(sources, Run(rules=select_rules(["ML50"])))
    assert len(calls) == 1
    assert [f.rule for f in report.findings] == ["schema-unknown-field"]


def test_only_kinds_with_a_schema_are_validated():
    text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {hostz: 1}\n"
    mesh = build_mesh(_resources(text), [], Settings())
    assert schema_problems(mesh) == []


def test_user_schemas_with_refs_still_give_one_finding_per_error(tmp_path):
    schema = {
        "type": "object",
        "definitions": {
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "required": ["size"],
                "properties": {"size": {"type": "integer"}},
            }
        },
        "properties": {"spec": {"$ref": "#/definitions/spec"}},
    }
    target = tmp_path / "example.com" / "v1" / "widget.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(schema))
    text = "apiVersion: example.com/v1\nkind: Widget\nspec: {colour: blue}\n"
    (resource,) = _resources(text)
    for use_rust in (True, False):
        problems = resource_problems(resource, str(tmp_path), use_rust)
        kinds = {p.kind for p in problems}
        assert kinds == {SchemaProblemKind.REQUIRED, SchemaProblemKind.UNKNOWN_FIELD}
        assert len(problems) == 2
        assert all(resource.locate(p.path)[0] == 2 for p in problems)


def test_other_keywords_and_pattern_properties_in_user_schemas(tmp_path):
    spec = {
        "type": "object",
        "additionalProperties": False,
        "patternProperties": {"^x-": {}},
        "properties": {
            "size": {"type": "integer", "multipleOf": 2},
            "tags": {"type": "array", "uniqueItems": True},
        },
    }
    target = tmp_path / "example.com" / "v1" / "widget.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps({"type": "object", "properties": {"spec": spec}}))
    text = "apiVersion: example.com/v1\nkind: Widget\nspec: {x-a: 1, y: 2, size: 3, tags: [a, a]}\n"
    (resource,) = _resources(text)
    for use_rust in (True, False):
        found = {(p.kind, p.path) for p in resource_problems(resource, str(tmp_path), use_rust)}
        assert found == {
            (SchemaProblemKind.UNKNOWN_FIELD, ("spec", "y")),
            (SchemaProblemKind.CONSTRAINT, ("spec", "size")),
            (SchemaProblemKind.CONSTRAINT, ("spec", "tags")),
        }
