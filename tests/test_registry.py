"""The rule registry: one table (``meshlint.rules.registry.CODES``) that lists every rule
module once, in the folder of its code range, with a lifecycle group that decides whether
the rule runs, how ``meshlint rules`` shows it and whether selecting it warns."""

from __future__ import annotations

import ast
import importlib
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from meshlint.cli.main import main
from meshlint.input.problems import ProblemKind
from meshlint.layout import NoteKind
from meshlint.rules import RULES, Group, deprecation_warnings, enabled_rules, registry, select_rules
from meshlint.rules.registry import CODES, DEFAULT_RULES, FAMILIES
from meshlint.schemas.validate import SchemaProblemKind

RULES_DIR = Path(registry.__file__).parent


def _rule_modules() -> set[str]:
    """``family.module`` of every module in a family folder that declares a ``RULE``."""
    found = set()
    for folder in sorted(p for p in RULES_DIR.iterdir() if (p / "__init__.py").is_file()):
        for path in sorted(folder.glob("*.py")):
            name = f"{folder.name}.{path.stem}"
            if hasattr(importlib.import_module(f"meshlint.rules.{name}"), "RULE"):
                found.add(name)
    return found


def _table_entries() -> list[tuple[str, str]]:
    """``(code, module)`` as written in the CODES literal: a repeated key, which a dict
    silently collapses, shows here."""
    tree = ast.parse(Path(registry.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "CODES":
            assert isinstance(node.value, ast.Dict)
            return [
                (key.value, value.elts[1].value)
                for key, value in zip(node.value.keys, node.value.values, strict=True)
            ]
    raise AssertionError("no CODES table in the registry")


def test_every_rule_module_is_in_the_table_and_the_table_names_only_rule_modules():
    assert {module for _, module in CODES.values()} == _rule_modules()


def test_codes_and_modules_appear_once_in_code_order_and_match_the_modules():
    entries = _table_entries()
    codes = [code for code, _ in entries]
    modules = [module for _, module in entries]
    assert len(set(codes)) == len(codes), "a code is registered twice"
    assert len(set(modules)) == len(modules), "a module is registered twice"
    assert codes == sorted(codes), "keep CODES in code order"
    assert [rule.code for rule in RULES if rule.origin is None] == codes
    for code, module in entries:
        assert importlib.import_module(f"meshlint.rules.{module}").RULE.code == code


def test_each_rule_lives_in_the_folder_of_its_code_range():
    misplaced = [
        f"{code} is in rules/{module.split('.')[0]}/, not rules/{FAMILIES[code[:3]]}/"
        for code, (_, module) in CODES.items()
        if module.split(".")[0] != FAMILIES[code[:3]]
    ]
    assert not misplaced, misplaced
    folders = {p.parent.name for p in RULES_DIR.glob("*/__init__.py")}
    # rules/policies/ is the template of the declared rules (the policy files), no family.
    assert set(FAMILIES.values()) == folders - {"policies"}


def test_a_table_entry_that_disagrees_with_its_module_stops_the_import():
    with pytest.raises(ImportError, match="ML101"):
        registry._load("ML999", Group.STABLE, "references.dangling_host")


# -- lifecycle groups ----------------------------------------------------------------------

DANGLING_HOST = next(r for r in RULES if r.name == "dangling-host")  # ML101
DANGLING_SUBSET = next(r for r in RULES if r.name == "dangling-subset")  # ML102


def _with_groups(**groups: Group) -> tuple:
    """RULES with some rules (by name, - as _) moved to another group."""
    return tuple(
        replace(r, group=groups[r.name.replace("-", "_")])
        if r.name.replace("-", "_") in groups
        else r
        for r in RULES
    )


def test_preview_rules_run_only_when_named_or_with_preview():
    rules = _with_groups(dangling_host=Group.PREVIEW)
    preview = next(r for r in rules if r.name == "dangling-host")

    def runs(*select: str, preview_on: bool = False) -> bool:
        return preview in enabled_rules(select, preview=preview_on, rules=rules)

    assert not runs()
    assert not runs("ML1")
    assert not runs("ALL")
    assert runs("ML101") and runs("ml101") and runs("dangling-host")
    assert runs(preview_on=True) and runs("ML1", preview_on=True)
    assert preview not in enabled_rules(["ML101"], ["dangling-host"], rules=rules)
    # Severities and per-file ignores name rules whatever their group.
    assert preview in select_rules(["ML1"], rules=rules)


def test_every_rule_is_on_by_default_but_the_preview_ones_and_those_declared_off():
    on = tuple(r for r in RULES if r.group is not Group.PREVIEW and r.enabled_by_default)
    assert on == DEFAULT_RULES
    assert enabled_rules() == DEFAULT_RULES
    assert all(r.origin for r in RULES if not r.enabled_by_default), "only policies are off"


def test_a_rule_off_by_default_runs_when_select_names_its_code_a_prefix_or_its_name():
    off = next(r for r in RULES if not r.enabled_by_default)

    def runs(*select: str) -> bool:
        return off in enabled_rules(select)

    assert not runs() and not runs("ALL")
    assert runs(off.code) and runs(off.code[:2]) and runs(off.name)
    assert runs("ALL", off.code)
    assert not runs(off.code[:2]) or off not in enabled_rules([off.code[:2]], [off.name])


def test_selecting_a_deprecated_rule_by_code_or_name_warns_and_it_still_runs():
    rules = _with_groups(dangling_host=Group.DEPRECATED)
    assert [r.name for r in enabled_rules(["ML101"], rules=rules)] == ["dangling-host"]
    assert len(deprecation_warnings(["ML101"], rules)) == 1
    assert len(deprecation_warnings(["dangling-host"], rules)) == 1
    assert "ML101" in deprecation_warnings(["dangling-host"], rules)[0]
    assert deprecation_warnings(["ML1", "ALL"], rules) == []  # not named: no warning


# -- the command line ----------------------------------------------------------------------

# A route to a Service that the files, which manage shop's Services, do not hold: one
# dangling-host finding (ML101).
MANIFEST = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - route:
    - destination: {host: web}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "mesh.yaml").write_text(MANIFEST)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _found(*argv: str) -> set[str]:
    code, out, err = run("--format", "json", "--exit-zero", "--no-cache", *argv)
    assert code == 0, err
    return {f["rule"] for f in json.loads(out)["findings"]}


def test_a_preview_rule_runs_with_preview_or_when_selected_by_name(project, monkeypatch):
    monkeypatch.setattr(registry, "RULES", _with_groups(dangling_host=Group.PREVIEW))
    assert "dangling-host" not in _found()
    assert "dangling-host" not in _found("--select", "ML1")
    assert "dangling-host" in _found("--preview")
    assert "dangling-host" in _found("--select", "ML101")
    (project / ".meshlint.yaml").write_text("preview: true\n")
    assert "dangling-host" in _found()


def test_selecting_a_deprecated_rule_prints_a_warning(project, monkeypatch):
    monkeypatch.setattr(registry, "RULES", _with_groups(dangling_host=Group.DEPRECATED))
    code, out, err = run("--select", "ML101,ML102", "--format", "json", "--no-cache")
    assert code == 1 and "dangling-host" in out
    assert err.count("meshlint: warning:") == 1 and "ML101 (dangling-host) is deprecated" in err
    assert "warning" not in run("--select", "ML1", "--no-cache")[2]


def test_rules_lists_the_group_of_every_rule(monkeypatch):
    code, out, _ = run("rules", "--format", "json")
    assert code == 0
    assert {r["name"]: r["group"] for r in json.loads(out)} == {r.name: str(r.group) for r in RULES}
    changed = _with_groups(dangling_host=Group.DEPRECATED, dangling_subset=Group.PREVIEW)
    monkeypatch.setattr("meshlint.cli.main.RULES", changed)
    _, text, _ = run("rules", "--no-color")
    lines = {line.split()[0]: line.split() for line in text.splitlines()[1:] if line.strip()}
    assert "Group" in text.splitlines()[0]
    assert "deprecated" in lines[DANGLING_HOST.code]
    assert "preview" in lines[DANGLING_SUBSET.code]
    assert "stable" in lines["ML001"]


def test_the_page_of_a_rule_outside_stable_says_so():
    from meshlint.outputs.rule_docs import rule_page

    assert "Group:" not in rule_page(DANGLING_HOST)
    page = rule_page(replace(DANGLING_HOST, group=Group.PREVIEW))
    assert "- Group: preview (runs only when selected by its code or name" in page


@pytest.mark.parametrize("kinds", [ProblemKind, SchemaProblemKind, NoteKind])
def test_every_kind_of_problem_an_earlier_stage_records_is_reported_by_one_rule(kinds):
    reporters = {kind: [r.name for r in RULES if r.problem is kind] for kind in kinds}
    assert all(len(names) == 1 for names in reporters.values()), reporters
