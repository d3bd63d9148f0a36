"""A rule's ``kinds`` let the engine skip it for a mesh that holds none of them, so they must
be true: a rule finds nothing in a mesh without its kinds. Checked on every golden case and
bad example of each rule that declares kinds, with those kinds taken out of the mesh and
the skip turned off; and the skip itself is checked to change no finding."""

from __future__ import annotations

import json

import pytest
from golden import load_cases, run_case

from meshlint.config.settings import Settings
from meshlint.engine import analyse as engine
from meshlint.engine.analyse import analyse, analyse_sources
from meshlint.engine.run import Run
from meshlint.facts.graph import build_mesh
from meshlint.input.loader import load_text
from meshlint.input.resources import extract_resources
from meshlint.rules import RULES, find_rule, select_rules
from meshlint.schemas.convert import schema_path

WITH_KINDS = {rule.name for rule in RULES if rule.kinds}
CASES = [case for case in load_cases() if case.rule in WITH_KINDS]
EXAMPLES = [rule for rule in RULES if rule.kinds and rule.examples_run]


@pytest.fixture
def without_kinds(monkeypatch):
    """Take a rule's kinds out of every mesh, and run every rule whatever the mesh holds."""

    def remove(kinds: tuple[str, ...]) -> None:
        resolve = engine.resolve_identities
        monkeypatch.setattr(
            engine,
            "resolve_identities",
            lambda resources: resolve([r for r in resources if r.kind not in kinds]),
        )
        monkeypatch.setattr(engine, "applicable", lambda rules, mesh: rules)

    return remove


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_rule_finds_nothing_in_a_golden_case_without_its_kinds(case, tmp_path, without_kinds):
    without_kinds(find_rule(case.rule).kinds)
    assert run_case(case, tmp_path) == []


@pytest.mark.parametrize("rule", EXAMPLES, ids=[r.name for r in EXAMPLES])
def test_a_rule_finds_nothing_in_its_bad_example_without_its_kinds(rule, without_kinds):
    without_kinds(rule.kinds)
    report = analyse_sources([load_text("bad.yaml", rule.examples["bad"])], Run(rules=(rule,)))
    assert [f for f in report.findings if f.rule == rule.name] == []


def test_a_mesh_without_a_rules_kinds_skips_it():
    source = load_text("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    mesh = build_mesh(extract_resources([source]).resources, [source], Settings())
    kept = {rule.name for rule in engine.applicable(select_rules(), mesh)}
    assert "injection-missing" in kept  # its kind: Namespace
    assert "dangling-host" not in kept  # VirtualService
    assert "yaml-syntax" in kept  # no kinds: runs on every mesh


def test_schema_rules_run_on_any_kind_a_user_schema_covers(tmp_path):
    """A user schema (--schemas) may cover any kind, so the schema rules declare none."""
    schemas = tmp_path / "schemas"
    widget = schema_path(schemas, "example.com", "v1", "Widget")
    widget.parent.mkdir(parents=True)
    widget.write_text(
        json.dumps({"properties": {"spec": {"properties": {"size": {"type": "integer"}}}}})
    )
    manifest = tmp_path / "widget.yaml"
    manifest.write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big}\n"
    )
    settings = Settings(schemas_dir=str(schemas))
    report = analyse([str(manifest)], Run(settings=settings, rules=select_rules(["schema-type"])))
    assert [(f.rule, f.line) for f in report.findings] == [("schema-type", 4)]
