"""Every CEL validation rule and list type of the shipped schemas, broken and satisfied.

The sites (rule x kind x version x field) are read from the shipped schemas at test time, so a
rule the CRDs gain without values in tests/data/cel_cases.yaml fails
``test_every_rule_has_cases``, and every site gets a document that satisfies its rule and one
that breaks it (tests/celsites.py builds them). A value that also breaks another rule at the
same place must be listed as refused by that rule too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from celsites import CASES, Site, document, node_at, schema_of, sites

from meshlint.engine.analyse import analyse_sources
from meshlint.engine.run import Run
from meshlint.input.loader import load_text
from meshlint.input.resources import extract_resources, field_path
from meshlint.rules import select_rules
from meshlint.rules.schema.validation_base import LEFT_TO_STRUCTURAL, left_to_structural
from meshlint.schemas.cel.engine import Compiled, compiled
from meshlint.schemas.structural import Kind, resource_rule_problems, structural_problems
from meshlint.schemas.validate import resource_problems

CRD_FILE = Path(__file__).resolve().parent.parent.parent / "shared" / "istio" / "crd-all.gen.yaml"
SITES = sites()
CEL_SITES = [s for s in SITES if not s.rule.startswith("list-type")]
LIST_SITES = [s for s in SITES if s.rule.startswith("list-type")]
FIRST_SITE = {}
for _site in CEL_SITES:
    FIRST_SITE.setdefault(_site.rule, _site)


def _refused(rule: str) -> list:
    entry = CASES.get(rule, {})
    return [*entry.get("reject", ()), *entry.get("error", ())]


def _resource(text: str):
    (resource,) = extract_resources([load_text("probe.yaml", text)]).resources
    return resource


def test_the_shipped_schemas_carry_every_rule_of_the_crds():
    assert len(CEL_SITES) >= 398 and len(LIST_SITES) >= 7
    if not CRD_FILE.is_file():
        pytest.skip("../shared is not present")
    text = CRD_FILE.read_text(encoding="utf-8")
    assert text.count("x-kubernetes-validations") <= len(CEL_SITES)
    assert len({s.rule for s in CEL_SITES}) == 36


def test_every_rule_has_cases_and_compiles():
    for rule in {s.rule for s in CEL_SITES}:
        entry = CASES.get(rule)
        assert entry, f"tests/data/cel_cases.yaml has no values for {rule!r}"
        assert entry.get("accept") and _refused(rule), rule
        assert isinstance(compiled(rule), Compiled), rule


def _values(site: Site) -> tuple[list, list]:
    """Every value at a rule's first site, one accepted and one refused value elsewhere."""
    entry = CASES[site.rule]
    differs = entry.get("cel_expr_python_differs") or []
    accept = [v for v in entry["accept"] if v not in differs]
    refuse = [v for v in _refused(site.rule) if v not in differs]
    if FIRST_SITE[site.rule] is site:
        return accept, refuse
    return accept[:1], refuse[:1]


def _target(site: Site) -> tuple:
    steps = ()
    if site.field_path:
        steps = tuple(p for p in site.field_path.strip(".").split(".") if p)
    return (*site.path(), *steps)


@pytest.mark.parametrize("site", CEL_SITES, ids=lambda s: s.id)
def test_rule_site_accepts_and_refuses(site):
    accept, refuse = _values(site)
    for value in accept:
        resource = _resource(document(site, value))
        assert resource_problems(resource) == [], (value, resource.body)
        for problem in resource_rule_problems(resource):
            assert problem.rule != site.rule or problem.path != _target(site), value
            assert value in _refused(problem.rule), (value, problem)
    for value in refuse:
        text = document(site, value)
        resource = _resource(text)
        problems = resource_rule_problems(resource)
        hits = [p for p in problems if p.rule == site.rule and p.path == _target(site)]
        assert len(hits) == 1 and hits[0].kind is Kind.RULE_FAILED, (value, problems)
        if value in (CASES[site.rule].get("error") or ()):
            assert "the rule fails on it" in hits[0].message, hits[0].message
        for problem in problems:
            assert problem.rule == site.rule or value in _refused(problem.rule), problem
        if value == refuse[0]:
            _reported(site, resource, hits[0], text)


def _reported(site: Site, resource, problem, text: str) -> None:
    """The refusal is a finding: schema-validation-rule's, or the structural rule's it is
    left to, at the same field."""
    name = left_to_structural(resource, problem) or "schema-validation-rule"
    report = analyse_sources([load_text("probe.yaml", text)], Run(rules=select_rules([name])))
    fields = {f.field for f in report.findings if f.rule == name}
    assert field_path(problem.path) in fields, (name, report.findings)


def test_left_to_structural_names_rules_that_exist():
    names = {r.name for r in select_rules()}
    assert set(LEFT_TO_STRUCTURAL.values()) <= names
    rules = {s.rule for s in CEL_SITES}
    assert {rule for rule, _ in LEFT_TO_STRUCTURAL} <= rules


def _list_value(site: Site, same: bool) -> list:
    node = node_at(schema_of(site), site.steps)
    keys = node.get("x-kubernetes-list-map-keys") or []
    items = []
    for index in range(2):
        item = document_item(node["items"])
        for name, value in item.items():  # other numbers differ, so only the key repeats
            if isinstance(value, int) and not isinstance(value, bool) and name not in keys:
                item[name] = value + 100 * index
        for key in keys:
            kind = node["items"]["properties"][key].get("type")
            distinct = index if not same else 0
            item[key] = 80 + distinct if kind == "integer" else f"p{distinct}"
        items.append(item)
    return items


def document_item(node: dict) -> dict:
    from celsites import filler

    value = filler(node)
    return value if isinstance(value, dict) else {}


@pytest.mark.parametrize("site", LIST_SITES, ids=lambda s: s.id)
def test_list_type_site_refuses_duplicates(site):
    resource = _resource(document(site, _list_value(site, same=False)))
    assert resource_problems(resource) == []
    assert resource_rule_problems(resource) == []
    resource = _resource(document(site, _list_value(site, same=True)))
    problems = [p for p in resource_rule_problems(resource) if p.kind is Kind.DUPLICATE_ITEM]
    assert [p.path[: len(site.path())] for p in problems] == [(*site.path()[:-1], 1)] or [
        p.path[: len(site.path()) + 1] for p in problems
    ] == [(*site.path(), 1)]


# -- list types and the walker on their own --------------------------------------------------

SET_SCHEMA = {
    "type": "object",
    "properties": {
        "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "nums": {"type": "array", "x-kubernetes-list-type": "set", "items": {}},
        "pairs": {
            "type": "array",
            "x-kubernetes-list-type": "map",
            "x-kubernetes-list-map-keys": ["a", "b"],
            "items": {"type": "object", "properties": {"a": {"type": "string"}, "b": {}}},
        },
    },
}


def test_set_reports_the_second_of_each_repeated_item_once():
    problems = structural_problems(SET_SCHEMA, {"tags": ["x", "y", "x", "x", "y"]})
    assert [p.path for p in problems] == [("tags", 2), ("tags", 4)]


def test_set_compares_as_go_compares_decoded_json():
    assert structural_problems(SET_SCHEMA, {"nums": [1, 1.5, True, "1"]}) == []
    assert [p.path for p in structural_problems(SET_SCHEMA, {"nums": [1, 1]})] == [("nums", 1)]


def test_map_with_two_keys_compares_both():
    body = {"pairs": [{"a": "x", "b": 1}, {"a": "x", "b": 2}, {"a": "x", "b": 1}]}
    assert [p.path for p in structural_problems(SET_SCHEMA, body)] == [("pairs", 2)]


RULE_SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "x-kubernetes-validations": [
                {"rule": "self.min <= self.max", "message": "min above max", "fieldPath": ".min"},
                {"rule": "self.min != oldSelf.min", "message": "transition"},
                {"rule": "quantity(self.size).isLessThan(quantity('1Gi'))"},
                {
                    "rule": "self.name.size() < 5",
                    "messageExpression": "'name ' + self.name + ' is too long'",
                },
            ],
            "properties": {
                "min": {"type": "integer"},
                "max": {"type": "integer"},
                "size": {"type": "string"},
                "name": {"type": "string"},
                "ratio": {"type": "number", "x-kubernetes-validations": [{"rule": "self < 1.5"}]},
            },
            "additionalProperties": False,
        }
    },
}


def test_rules_report_field_path_message_expression_and_unsupported_functions():
    body = {"spec": {"min": 3, "max": 1, "size": "1", "name": "toolong", "ratio": 1, "x": 1}}
    problems = structural_problems(RULE_SCHEMA, body)
    by_kind = {(p.kind, p.path, p.message) for p in problems}
    assert (Kind.RULE_FAILED, ("spec", "min"), "min above max") in by_kind
    assert (Kind.RULE_FAILED, ("spec",), "name toolong is too long") in by_kind
    unsupported = [p for p in problems if p.kind is Kind.RULE_NOT_EVALUATED]
    assert len(unsupported) == 1 and "quantity" in unsupported[0].message
    assert not any("transition" in p.message for p in problems)  # oldSelf: not on a create
    assert len(problems) == 3  # ratio 1 is the double 1.0 (< 1.5); x is pruned


def test_a_wrong_type_or_null_is_left_to_the_schema_rules():
    assert structural_problems(RULE_SCHEMA, {"spec": None}) == []
    assert structural_problems(RULE_SCHEMA, {"spec": "text"}) == []
    problems = structural_problems(RULE_SCHEMA, {"spec": {"ratio": "high"}})
    assert not [p for p in problems if p.path == ("spec", "ratio")]


def test_the_rules_yaml_case_values_parse():
    # The case file is YAML a person edits: every entry names a rule and its values.
    for entry in yaml.safe_load((Path(__file__).parent / "data" / "cel_cases.yaml").read_text()):
        assert set(entry) <= {"rule", "accept", "reject", "error", "cel_expr_python_differs"}
