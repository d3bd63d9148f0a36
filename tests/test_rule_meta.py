"""Meta-tests over the registry: identity, documentation, examples and golden coverage."""

import re

import pytest
from golden import load_cases

from meshlint.engine.analyse import analyse_sources
from meshlint.engine.run import Run
from meshlint.input.loader import load_text
from meshlint.rules import RULES, select_rules

CASES = load_cases()


def test_codes_and_names_are_unique_and_well_formed():
    codes = [r.code for r in RULES]
    names = [r.name for r in RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in RULES:
        assert re.fullmatch(r"ML\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        for ref in rule.refs:
            assert re.fullmatch(r"(IST|KIA)\d{4}", ref), ref


@pytest.mark.parametrize("rule", RULES, ids=[r.name for r in RULES])
def test_rule_has_documentation_with_both_examples(rule):
    assert rule.summary.strip()
    assert len(rule.why) > 80, "explain why the rule matters"
    assert set(rule.examples) == {"bad", "good"}


@pytest.mark.parametrize("rule", [r for r in RULES if r.examples_run], ids=lambda r: r.name)
def test_bad_example_fails_and_good_example_passes(rule):
    selected = select_rules([rule.name])
    bad = analyse_sources([load_text("bad.yaml", rule.examples["bad"])], Run(rules=selected))
    good = analyse_sources([load_text("good.yaml", rule.examples["good"])], Run(rules=selected))
    assert any(f.rule == rule.name for f in bad.findings), "bad example reports nothing"
    assert not [f for f in good.findings if f.rule == rule.name], good.findings


# Their input cannot be written as YAML text: undecodable bytes, an unreadable path, a
# crashing rule. tests/test_hostile.py and tests/test_parallel.py cover them instead.
NO_GOLDEN_CASES = {"decode-error", "unreadable-file", "internal-error"}


# Their examples are trees of several files (a kustomize base and overlay, a chart): their
# golden cases in tests/golden/ hold the trees.
TREE_EXAMPLES = {"render-failed", "not-rendered", "kustomize-list-replaced"}


# Its bad example is a resource of a user's CRD: the golden case holds the schema directory.
USER_SCHEMA_EXAMPLES = {"schema-rule-not-evaluated"}


def test_only_rules_about_unwritable_input_or_trees_skip_their_examples():
    skipped = {r.name for r in RULES if not r.examples_run}
    assert skipped == NO_GOLDEN_CASES | TREE_EXAMPLES | USER_SCHEMA_EXAMPLES


@pytest.mark.parametrize(
    "rule", [r for r in RULES if r.name not in NO_GOLDEN_CASES], ids=lambda r: r.name
)
def test_rule_has_failing_and_passing_golden_cases(rule):
    mine = [c for c in CASES if c.rule == rule.name]
    assert any(c.expect for c in mine), f"rules/{rule.name}.yaml needs a failing case"
    assert any(not c.expect for c in mine), f"rules/{rule.name}.yaml needs a passing case"


def test_every_golden_file_names_a_registered_rule():
    names = {r.name for r in RULES}
    assert {c.rule for c in CASES} <= names
