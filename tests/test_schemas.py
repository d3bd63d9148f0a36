"""The schema converter, the shipped schemas, the schema store and `meshlint schemas import`."""

from __future__ import annotations

import copy
import io
import json
import os
from pathlib import Path

import pytest
import yaml

from meshlint.cli.main import main
from meshlint.config.settings import Settings
from meshlint.engine.analyse import analyse, analyse_sources
from meshlint.engine.run import Run
from meshlint.input.loader import load_paths, load_text
from meshlint.input.resources import K, extract_resources
from meshlint.render.kustomize import closure, find_kustomizations
from meshlint.rules import RULES, select_rules
from meshlint.rules.input.unknown_kind import known_groups, served_versions
from meshlint.rules.schema.schema_base import ISTIO_KINDS, shipped_kinds
from meshlint.schemas import store
from meshlint.schemas.convert import (
    convert_crd,
    convert_schema,
    crd_documents,
    dump_schema,
    load_crds,
    schema_path,
)
from meshlint.schemas.validate import resource_problems

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "schemas"
SHARED = ROOT.parent / "shared"
CRD_FILE = SHARED / "istio" / "crd-all.gen.yaml"
TESTDATA = SHARED / "conformance" / "istio" / "testdata"
needs_shared = pytest.mark.skipif(not CRD_FILE.is_file(), reason="../shared is not present")

WIDGET_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A widget.
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: integer, minimum: 1, description: How big.}
              port: {x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}
              note: {type: string, nullable: true}
              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
"""


def _shipped_files() -> dict[str, str]:
    return {
        str(p.relative_to(SHIPPED)): p.read_text(encoding="utf-8")
        for p in sorted(SHIPPED.rglob("*.json"))
    }


# -- converter ----------------------------------------------------------------------------


def test_converter_skips_versions_that_are_not_served():
    crd = yaml.load(WIDGET_CRD, Loader=yaml.CSafeLoader)
    retired = copy.deepcopy(crd["spec"]["versions"][0])
    retired.update(name="v1alpha1", served=False, storage=False)
    crd["spec"]["versions"].append(retired)
    assert list(convert_crd(crd)) == [("example.com", "v1", "Widget")]


def test_converter_translates_kubernetes_extensions():
    (gvk, schema), *_ = convert_crd(load_crds([WIDGET_CRD])[0]).items()
    assert gvk == ("example.com", "v1", "Widget")
    spec = schema["properties"]["spec"]
    assert "description" not in json.dumps(schema)
    assert spec["additionalProperties"] is False
    assert spec["properties"]["port"] == {"type": ["integer", "string"]}
    assert spec["properties"]["note"] == {"type": ["string", "null"]}
    assert "additionalProperties" not in spec["properties"]["extra"]
    assert set(schema["properties"]) == {"apiVersion", "kind", "metadata", "spec"}
    assert schema["additionalProperties"] is False


def test_embedded_resources_and_a_preserving_root():
    crd = yaml.safe_load(WIDGET_CRD)
    root = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    root["properties"]["spec"]["properties"]["template"] = {
        "type": "object",
        "x-kubernetes-embedded-resource": True,
        "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
    }
    root["x-kubernetes-preserve-unknown-fields"] = True
    schema = convert_crd(crd)["example.com", "v1", "Widget"]
    template = schema["properties"]["spec"]["properties"]["template"]
    assert {"apiVersion", "kind", "metadata", "spec"} <= set(template["properties"])
    assert template["additionalProperties"] is False
    assert "additionalProperties" not in schema


def test_junctor_branches_get_no_additional_properties():
    node = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "oneOf": [{"required": ["a"]}, {"required": ["b"], "properties": {"b": {}}}],
    }
    converted = convert_schema(node)
    assert converted["additionalProperties"] is False
    assert all("additionalProperties" not in branch for branch in converted["oneOf"])


def test_nullable_enum_accepts_null_and_v1beta1_crd_validation():
    crd = yaml.safe_load(WIDGET_CRD)
    version = crd["spec"]["versions"][0]
    crd["spec"]["validation"] = version.pop("schema")
    crd["spec"]["validation"]["openAPIV3Schema"]["properties"]["spec"]["properties"]["mode"] = {
        "type": "string",
        "enum": ["A", "B"],
        "nullable": True,
    }
    schema = convert_crd(crd)["example.com", "v1", "Widget"]
    mode = schema["properties"]["spec"]["properties"]["mode"]
    assert mode == {"type": ["string", "null"], "enum": ["A", "B", None]}


def test_crd_documents_unpack_lists_and_skip_other_kinds():
    crd = yaml.safe_load(WIDGET_CRD)
    listed = {"apiVersion": "v1", "kind": "List", "items": [crd, {"kind": "Service"}]}
    assert list(crd_documents([listed, None, "text", {"kind": "ConfigMap"}])) == [crd]


@needs_shared
def test_regenerating_the_shipped_schemas_gives_no_diff(tmp_path):
    crds = load_crds([CRD_FILE.read_text(encoding="utf-8")])
    expected = {}
    for crd in crds:
        for (group, version, kind), schema in convert_crd(crd).items():
            path = schema_path(Path(), group, version, kind)
            expected[str(path)] = dump_schema(schema)
    assert expected == _shipped_files()


@needs_shared
def test_every_kind_and_version_of_the_crd_file_is_shipped():
    crds = load_crds([CRD_FILE.read_text(encoding="utf-8")])
    versions = {
        (c["spec"]["group"], v["name"], c["spec"]["names"]["kind"])
        for c in crds
        for v in c["spec"]["versions"]
    }
    assert len(versions) == len(_shipped_files()) >= 30
    for group, version, kind in versions:
        assert schema_path(SHIPPED, group, version, kind).is_file()
    assert "Apache License" in (SHIPPED / "NOTICE").read_text()


def test_istio_kinds_are_the_kinds_of_the_shipped_schemas():
    # ISTIO_KINDS spells the kinds; a schema whose kind it lacks would be unknown to unknown-kind.
    assert {name for _, _, name in store.builtin_index()} == {k.lower() for k in ISTIO_KINDS}
    assert {kind for _, _, kind in shipped_kinds()} == set(ISTIO_KINDS)


def test_unknown_kind_knows_the_schema_kinds_and_the_modelled_kinds():
    groups = known_groups()
    for group, version, kind in shipped_kinds():
        assert version in groups[group][0] and kind in groups[group][1]
    for kind in vars(K).values():
        if hasattr(kind, "kind") and kind.group in groups:
            assert kind.kind in groups[kind.group][1], kind
    assert groups["networking.istio.io"][0] == ("v1alpha3", "v1beta1", "v1")


@needs_shared
def test_unknown_kind_accepts_exactly_the_versions_the_crds_serve():
    # unknown-kind takes a kind's versions from the shipped schemas; the importer converts every
    # version of a CRD, so a version with `served: false` would slip in: none may be shipped.
    crds = load_crds([CRD_FILE.read_text(encoding="utf-8")])
    served: dict[tuple[str, str], set[str]] = {}
    for crd in crds:
        key = (crd["spec"]["group"], crd["spec"]["names"]["kind"])
        for version in crd["spec"]["versions"]:
            if version.get("served") is True:
                served.setdefault(key, set()).add(version["name"])
    istio = {key: set(found) for key, found in served_versions().items() if key in served}
    assert istio == served
    assert served_versions()["networking.istio.io", "EnvoyFilter"] == ("v1alpha3",)
    assert served_versions()["telemetry.istio.io", "Telemetry"] == ("v1alpha1", "v1")


def test_shipped_schemas_are_compact_and_sorted():
    for name, text in _shipped_files().items():
        assert text == dump_schema(json.loads(text)), name


# -- valid manifests are accepted ----------------------------------------------------------


def _good_examples() -> list[tuple[str, str]]:
    """Rules' good examples and the bundled examples' manifests; kustomize inputs (a patch
    is not a resource) and kustomization files are checked rendered, in tests/test_layout.py."""
    examples = [(f"{r.name}-good.yaml", r.examples["good"]) for r in RULES if r.examples_run]
    files = sorted((ROOT / "examples").rglob("*.y*ml")) if (ROOT / "examples").is_dir() else []
    found = find_kustomizations([str(p) for p in files])
    inputs = {os.path.abspath(f) for d in found for f in closure(d, found).files}
    for path in files:
        if str(path) not in inputs:
            examples.append((str(path), path.read_text(encoding="utf-8")))
    return examples


@pytest.mark.parametrize("name,text", _good_examples(), ids=lambda v: str(v)[:40])
def test_valid_examples_pass_the_schemas(name, text):
    report = analyse_sources([load_text(name, text)], Run(rules=select_rules(["ML50"])))
    assert report.findings == []


def test_benchmark_tree_is_schema_valid(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate

    tree = generate(tmp_path / "tree", 60)
    assert analyse([str(tree)], Run(rules=select_rules(["ML50"]))).findings == []


# Testdata of Istio's analyzers that is deliberately invalid for the API server (the analyzer
# tests read files directly, bypassing it), with the reason and the rule that reports it.
REPORTED_BY = {rule.problem: rule.name for rule in RULES if rule.problem is not None}

CONFORMANCE_INVALID = {
    ("condition-analyzer.yaml", "negative-condition-svcEntry"): (
        "schema-required",
        "a ServiceEntry with only a status and no spec",
    ),
    ("conflicting-gateways-invalid-port.yaml", "alpha"): (
        "schema-required",
        "a Gateway server without a port (the test is about invalid ports)",
    ),
    ("conflicting-gateways-invalid-port.yaml", "beta"): (
        "schema-required",
        "a Gateway server without a port (the test is about invalid ports)",
    ),
    ("virtualservice_destinationhosts.yaml", "reviews-bogushost"): (
        "schema-required",
        "a route `{}` marked 'test destination null'",
    ),
}
CONFORMANCE_KINDS = {"VirtualService", "DestinationRule", "Gateway", "ServiceEntry"}


@pytest.mark.skipif(not TESTDATA.is_dir(), reason="../shared conformance data is not present")
def test_conformance_testdata_the_webhook_accepts_is_schema_valid():
    resources = extract_resources(load_paths([str(TESTDATA)])).resources
    checked = 0
    for resource in resources:
        if resource.group != "networking.istio.io" or resource.kind not in CONFORMANCE_KINDS:
            continue
        key = (str(Path(resource.source.path).relative_to(TESTDATA)), resource.name)
        rules = {REPORTED_BY[p.kind] for p in resource_problems(resource)}
        if key in CONFORMANCE_INVALID:
            assert CONFORMANCE_INVALID[key][0] in rules, key
        else:
            assert rules == set(), key
            checked += 1
    assert checked > 150


# -- user schemas --------------------------------------------------------------------------

VS_WITH_EXTRA_FIELD = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  owner: team-a
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w, namespace: shop}
spec:
  size: 0
  colour: blue
"""


def test_user_schema_dir_overrides_the_builtin_one_per_kind(tmp_path):
    user = tmp_path / "user-schemas"
    vs = json.loads((SHIPPED / "networking.istio.io/v1/virtualservice.json").read_text())
    vs["properties"]["spec"]["properties"]["owner"] = {"type": "string"}
    target = schema_path(user, "networking.istio.io", "v1", "VirtualService")
    target.parent.mkdir(parents=True)
    target.write_text(dump_schema(vs))
    assert _import_widget(tmp_path, user) == 0
    manifest = _write(tmp_path, VS_WITH_EXTRA_FIELD, "app.yaml")
    rules = select_rules(["ML50"])

    builtin = analyse([str(manifest)], Run(rules=rules))
    assert [(f.rule, f.line) for f in builtin.findings] == [("schema-unknown-field", 6)]

    own = analyse([str(manifest)], Run(settings=Settings(schemas_dir=str(user)), rules=rules))
    assert sorted((f.rule, f.line) for f in own.findings) == [
        ("schema-range", 12),
        ("schema-unknown-field", 13),
    ]
    # Kinds the user directory does not have still use the built-in schemas.
    dr = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d}\n"
    dr += "spec: {host: d, subsetz: []}\n"
    other = analyse(
        [str(_write(tmp_path, dr, "dr.yaml"))],
        Run(settings=Settings(schemas_dir=str(user)), rules=rules),
    )
    assert [f.rule for f in other.findings] == ["schema-unknown-field"]


def test_schemas_option_on_the_command_line(tmp_path):
    user = tmp_path / "s"
    assert _import_widget(tmp_path, user) == 0
    manifest = _write(tmp_path, VS_WITH_EXTRA_FIELD, "app.yaml")
    out = io.StringIO()
    argv = [str(manifest), "--schemas", str(user), "--select", "ML50", "--format", "json"]
    code = main(argv, out)
    assert code == 1
    assert "schema-range" in out.getvalue()


def test_broken_user_schemas_are_ignored_not_fatal(tmp_path):
    user = tmp_path / "broken"
    target = schema_path(user, "networking.istio.io", "v1", "VirtualService")
    target.parent.mkdir(parents=True)
    target.write_text("{not json")
    widget = schema_path(user, "example.com", "v1", "Widget")
    widget.parent.mkdir(parents=True)
    widget.write_text('{"type": 5}')
    manifest = _write(tmp_path, VS_WITH_EXTRA_FIELD, "app.yaml")
    report = analyse(
        [str(manifest)], Run(settings=Settings(schemas_dir=str(user)), rules=select_rules(["ML50"]))
    )
    assert report.internal_errors == 0
    # The unreadable user file does not hide the built-in VirtualService schema.
    assert [f.rule for f in report.findings] == ["schema-unknown-field"]


def test_builtin_dir_is_found_in_a_wheel_layout(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "meshlint"
    (package / "_data" / "schemas").mkdir(parents=True)
    monkeypatch.setattr(store, "_PACKAGE", package)
    store.builtin_dir.cache_clear()
    try:
        assert store.builtin_dir() == package / "_data" / "schemas"
    finally:
        monkeypatch.undo()
        store.builtin_dir.cache_clear()
    assert store.builtin_dir() == SHIPPED


# -- `meshlint schemas import` -------------------------------------------------------------


def _write(directory: Path, text: str, name: str = "crd.yaml") -> Path:
    path = directory / name
    path.write_text(text)
    return path


def _import_widget(directory: Path, out: Path) -> int:
    crd = _write(directory, WIDGET_CRD)
    return main(["schemas", "import", str(crd), "--out", str(out)], io.StringIO(), io.StringIO())


def test_import_from_files(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    crd = _write(tmp_path, WIDGET_CRD)
    assert main(["schemas", "import", str(crd), "--out", str(tmp_path / "o")], out, err) == 0
    written = tmp_path / "o" / "example.com" / "v1" / "widget.json"
    assert json.loads(written.read_text())["title"] == "example.com/v1 Widget"
    assert "wrote 1 schemas from 1 CRDs" in out.getvalue()


def test_import_from_stdin_reads_kubectl_list_output(tmp_path, monkeypatch):
    listed = yaml.safe_dump(
        {"apiVersion": "v1", "kind": "List", "items": [yaml.safe_load(WIDGET_CRD)]}
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(listed))
    out = io.StringIO()
    assert main(["schemas", "import", "-", "--out", str(tmp_path / "o")], out, io.StringIO()) == 0
    from_file = tmp_path / "f"
    assert _import_widget(tmp_path, from_file) == 0
    relative = "example.com/v1/widget.json"
    assert (tmp_path / "o" / relative).read_text() == (from_file / relative).read_text()


def test_import_errors_exit_2(tmp_path):
    err = io.StringIO()
    assert main(["schemas", "import", str(tmp_path / "missing.yaml")], io.StringIO(), err) == 2
    assert "cannot read" in err.getvalue()
    plain = _write(tmp_path, "apiVersion: v1\nkind: ConfigMap\n", "cm.yaml")
    err = io.StringIO()
    assert main(["schemas", "import", str(plain), "--out", str(tmp_path)], io.StringIO(), err) == 2
    assert "no CustomResourceDefinition" in err.getvalue()
    bad = _write(tmp_path, "a: [\n", "bad.yaml")
    assert main(["schemas", "import", str(bad)], io.StringIO(), io.StringIO()) == 2
    assert main(["schemas"], io.StringIO(), io.StringIO()) == 2


def test_schemas_config_key_is_relative_to_the_config_file(tmp_path):
    from meshlint.config.file import build_settings, load_config

    config_file = _write(tmp_path, "schemas: my-schemas\n", ".meshlint.yaml")
    config = load_config(config_file)
    assert build_settings(config, {}).schemas_dir == str(tmp_path / "my-schemas")
    assert build_settings(config, {"schemas": "cli-dir"}).schemas_dir == "cli-dir"


def test_unknown_kind_names_the_versions_a_kind_is_served_as():
    text = (
        "apiVersion: networking.istio.io/v1\nkind: EnvoyFilter\nmetadata: {name: a}\n---\n"
        "apiVersion: security.istio.io/v1\nkind: ProxyConfig\nmetadata: {name: b}\n"
    )
    report = analyse_sources([load_text("k.yaml", text)], Run(rules=select_rules(["unknown-kind"])))
    assert [f.message for f in report.findings] == [
        "EnvoyFilter is served as networking.istio.io/v1alpha3 only, not as "
        "networking.istio.io/v1; use that apiVersion",
        "ProxyConfig is not in API group 'security.istio.io'; use "
        "`apiVersion: networking.istio.io/v1beta1`",
    ]


# -- validation rules and list types of user CRDs --------------------------------------------

RULED_CRD = WIDGET_CRD.replace(
    "              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}\n",
    "              extra: {type: object, x-kubernetes-preserve-unknown-fields: true}\n"
    "              tags:\n"
    "                type: array\n"
    "                x-kubernetes-list-type: set\n"
    "                items: {type: string}\n"
    "            x-kubernetes-validations:\n"
    "            - rule: self.size <= 10\n"
    "              message: a widget has at most size 10\n"
    "              fieldPath: .size\n"
    '            - rule: "!has(oldSelf.size) || self.size >= oldSelf.size"\n'
    "              message: a widget never shrinks\n",
)


def test_import_keeps_validation_rules_and_list_types_of_user_crds(tmp_path):
    crd = _write(tmp_path, RULED_CRD)
    out = tmp_path / "s"
    assert main(["schemas", "import", str(crd), "--out", str(out)], io.StringIO()) == 0
    schema = json.loads((out / "example.com/v1/widget.json").read_text())
    spec = schema["properties"]["spec"]
    assert spec["x-kubernetes-validations"][0]["rule"] == "self.size <= 10"
    assert "description" not in json.dumps(spec["x-kubernetes-validations"])
    assert spec["properties"]["tags"]["x-kubernetes-list-type"] == "set"
    manifest = _write(
        tmp_path,
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n"
        "spec:\n  size: 12\n  tags: [a, b, a]\n",
        "w.yaml",
    )
    report = analyse(
        [str(manifest)], Run(settings=Settings(schemas_dir=str(out)), rules=select_rules(["ML5"]))
    )
    found = sorted((f.rule, f.line, f.field) for f in report.findings)
    # The transition rule (oldSelf) does not apply to a create.
    assert found == [
        ("schema-duplicate-item", 6, "spec.tags[2]"),
        ("schema-validation-rule", 5, "spec.size"),
    ]
