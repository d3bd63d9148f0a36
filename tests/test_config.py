"""Config files: discovery, validation errors, the schema, and command line over config."""

import io
import json
import re
from pathlib import Path

import pytest
import yaml
from manifests import VS_TO_EXTERNAL

from meshlint.cli.main import main
from meshlint.config.file import (
    ConfigError,
    build_settings,
    config_schema,
    find_config,
    load_config,
    shipped_schema,
)
from meshlint.engine.rule_keys import load_project_config

ROOT = Path(__file__).resolve().parent.parent


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(["--no-color", *argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_shipped_schema_is_generated_from_the_key_table():
    assert shipped_schema() == config_schema(), (
        "regenerate: python -m meshlint.config.file > meshlint/data/config.schema.json"
    )


def test_found_by_walking_up_and_yaml_wins_over_pyproject(tmp_path):
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) is None
    (tmp_path / "pyproject.toml").write_text('[tool.meshlint]\nfail-on = "error"\n')
    assert find_config(deep) == tmp_path / "pyproject.toml"
    (tmp_path / "a" / ".meshlint.yaml").write_text("fail-on: info\n")
    assert find_config(deep) == tmp_path / "a" / ".meshlint.yaml"


def test_pyproject_without_a_meshlint_table_is_passed_over(tmp_path):
    (tmp_path / ".meshlint.yml").write_text("fail-on: info\n")
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(inner) == tmp_path / ".meshlint.yml"


def test_misspelled_key_names_file_line_and_suggestion(project):
    (project / ".meshlint.yaml").write_text("fail-on: error\nexclud: ['charts/**']\n")
    code, _out, err = run([])
    assert code == 2
    assert ".meshlint.yaml:2:1: exclud: unknown key 'exclud' (did you mean 'exclude'?)" in err


def test_misspelled_key_in_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.meshlint]\nsellect = ["ML1"]\n')
    code, _, err = run([])
    assert code == 2
    assert "tool.meshlint.sellect: unknown key 'sellect' (did you mean 'select'?)" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fail-on: warn\n", "is not one of 'error', 'warning', 'info', 'never' (did you mean"),
        ("istio-version: 1.20\n", 'quote it: "1.20"'),
        ("istio-version: 'one'\n", "not an Istio version"),
        ("select: [dangling-hots]\n", "unknown rule 'dangling-hots' (did you mean 'dangling-host'"),
        ("severity: {ML102: fatal}\n", "severity.ML102"),
        ("rules: {dangling-subst: {}}\n", "did you mean 'dangling-subset'"),
        (
            "rules: {trace-sampling-production: {treshold: 5}}\n",
            "has no option 'treshold' (did you mean 'threshold'?)",
        ),
        ("rules: {ML301: {threshold: '5'}}\n", "expected a number like the default 100"),
        ("per-file-ignores: {'a/**': [nope-rule]}\n", "unknown rule 'nope-rule'"),
        ("- a list\n", "expected a mapping of settings"),
        ("paths: [a\n", ".meshlint.yaml:2:1"),
    ],
)
def test_validation_errors(tmp_path, text, message):
    path = tmp_path / ".meshlint.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_project_config(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_missing_config_named_on_the_command_line(project):
    code, _, err = run(["--config", "nope.yaml"])
    assert code == 2 and "nope.yaml: config file not found" in err


def test_settings_come_from_the_table_and_rule_codes_become_names(tmp_path):
    path = tmp_path / ".meshlint.yaml"
    path.write_text(
        "istio-version: '1.14'\nnamespace: shop\nknown-hosts: ['*.corp']\n"
        "rules: {ML301: {threshold: 50}}\n"
    )
    config = load_project_config(path)
    settings = build_settings(config, {"namespace": None, "cluster-domain": "c.x"})
    assert settings.istio_version == (1, 14)
    assert settings.default_namespace == "shop"
    assert settings.cluster_domain == "c.x"
    assert settings.known_hosts == ("*.corp",)
    assert settings.rule_options == {"trace-sampling-production": {"threshold": 50}}


def test_config_settings_reach_rules_and_the_command_line_overrides(project):
    (project / "vs.yaml").write_text(VS_TO_EXTERNAL)
    assert run(["--select", "dangling-host"])[0] == 1
    (project / ".meshlint.yaml").write_text("known-hosts: ['*.corp.example.com']\n")
    assert run(["--select", "dangling-host"])[0] == 0
    assert run(["--select", "dangling-host", "--known-host", "other.example.com"])[0] == 1


def test_fail_on_select_and_severity_from_config(project):
    (project / "vs.yaml").write_text(VS_TO_EXTERNAL)
    (project / ".meshlint.yaml").write_text(
        "select: [dangling-host]\nseverity: {ML1: info}\nfail-on: warning\n"
    )
    code, out, _ = run(["--format", "json"])
    findings = json.loads(out)["findings"]
    assert code == 0
    assert [(f["rule"], f["severity"]) for f in findings] == [("dangling-host", "info")]
    assert run(["--fail-on", "info"])[0] == 1
    assert run(["--ignore", "dangling-host", "--fail-on", "info"])[0] == 0


def test_paths_and_exclude(project):
    for folder in ("deploy", "charts", "other"):
        (project / folder).mkdir()
        (project / folder / "vs.yaml").write_text(VS_TO_EXTERNAL)
    (project / ".meshlint.yaml").write_text(
        "paths: [deploy, charts]\nexclude: [charts]\nselect: [dangling-host]\n"
    )
    _code, out, _ = run(["--format", "json"])
    assert {f["file"] for f in json.loads(out)["findings"]} == {"deploy/vs.yaml"}
    # named on the command line: excluded only with --force-exclude
    assert run(["charts/vs.yaml"])[0] == 1
    assert run(["--force-exclude", "charts/vs.yaml"])[0] == 0


def test_documented_config_examples_are_valid(tmp_path):
    page = (ROOT / "docs" / "configuration.md").read_text()
    section = page.split("\n## The config file\n", 1)[1]
    example = re.search(r"```yaml\n(# \.meshlint\.yaml\n.*?)```", section, re.S)[1]
    path = tmp_path / ".meshlint.yaml"
    path.write_text(example)
    config = load_config(path)
    assert config.get("rules") == {"trace-sampling-production": {"threshold": 50}}
    toml = re.search(r"```toml\n(.*?)```", section, re.S)[1]
    (tmp_path / "pyproject.toml").write_text(toml)
    assert load_config(tmp_path / "pyproject.toml").get("fail-on") == "error"
    pre_commit = page.split("\n## pre-commit\n", 1)[1]
    hooks = re.search(r"```yaml\n(# \.pre-commit-config\.yaml\n.*?)```", pre_commit, re.S)[1]
    assert yaml.safe_load(hooks)["repos"][0]["hooks"][0]["id"] == "meshlint"
    meshes = re.search(r"```yaml\n(# \.meshlint\.yaml\n.*?)```", pre_commit, re.S)[1]
    path.write_text(meshes)
    assert load_config(path).get("meshes") == ["clusters/*", "overlays/*"]
