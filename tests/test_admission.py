"""ValidatingAdmissionPolicies among the files, evaluated offline (meshlint/schemas/admission):
the command line end to end, matching, params and the parts the golden cases do not reach."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import pytest

from meshlint.cli.main import main
from meshlint.engine.analyse import analyse
from meshlint.engine.run import Run
from meshlint.rules import select_rules
from meshlint.schemas.cel.engine import Compiled, Unsupported, compiled

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "istio"

# Kubernetes' documentation: the demo policy and its binding, kept in the repository.
POLICY = """\
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: "demo-policy.example.com"
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups:   ["apps"]
      apiVersions: ["v1"]
      operations:  ["CREATE", "UPDATE"]
      resources:   ["deployments"]
  validations:
    - expression: "object.spec.replicas <= 5"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: "demo-binding-test.example.com"
spec:
  policyName: "demo-policy.example.com"
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
"""
APP = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {{environment: test, istio-injection: enabled}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers: [{{name: web, image: nginx}}]
"""


def _repo(tmp_path: Path, replicas: int) -> Path:
    (tmp_path / "policies").mkdir(parents=True)
    (tmp_path / "policies" / "replicas.yaml").write_text(POLICY)
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "web.yaml").write_text(APP.format(replicas=replicas))
    return tmp_path


def _run(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue()


def test_a_policy_in_the_repository_rejects_a_manifest_through_the_cli(tmp_path):
    repo = _repo(tmp_path, replicas=6)
    code, out = _run(str(repo), "--format", "json")
    findings = [f for f in json.loads(out)["findings"] if f["code"] == "ML720"]
    assert code == 1
    assert len(findings) == 1
    finding = findings[0]
    assert finding["file"].endswith("apps/web.yaml")
    assert (finding["line"], finding["column"]) == (10, 9)  # metadata.name
    assert finding["severity"] == "error"
    assert "'demo-policy.example.com'" in finding["message"]
    assert "'demo-binding-test.example.com'" in finding["message"]
    assert "failed expression: object.spec.replicas <= 5" in finding["message"]
    related = {(Path(r["file"]).name, r["line"]) for r in finding["related"]}
    assert ("replicas.yaml", 14) in related  # the validation's expression
    assert ("replicas.yaml", 21) in related  # the binding's policyName

    # The text format, as a person reads it, and selection by name.
    code, out = _run(str(repo), "--select", "admission-policy-denied")
    assert code == 1
    assert "ML720 admission-policy-denied" in out and "denied request" in out


def test_the_cli_passes_a_conforming_manifest_and_the_rules_can_be_ignored(tmp_path):
    assert _run(str(_repo(tmp_path / "ok", replicas=5)))[0] == 0
    bad = str(_repo(tmp_path / "bad", replicas=6))
    code, out = _run(bad, "--ignore", "ML72", "--format", "json")
    assert code == 0 and not json.loads(out)["findings"]


def _findings(tmp_path: Path, text: str, rule: str = "admission-policy-denied") -> list:
    (tmp_path / "all.yaml").write_text(text)
    report = analyse([str(tmp_path)], Run(rules=select_rules([rule])))
    return [f for f in report.findings if f.rule == rule]


def _policy(spec: str, binding: str = "", name: str = "p") -> str:
    return (
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
        f"metadata: {{name: {name}}}\nspec:\n{spec}---\n"
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
        f"metadata: {{name: {name}-binding}}\nspec:\n  policyName: {name}\n"
        f"  validationActions: [Deny]\n{binding}---\n"
    )


def _rules(resources: str, extra: str = "") -> str:
    return (
        "  matchConstraints:\n    resourceRules:\n"
        f"    - {{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: {resources}"
        f"{extra}}}\n  validations:\n  - expression: 'false'\n    message: refused\n"
    )


NAMESPACED_AND_CLUSTER = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
---
apiVersion: example.com/v1
kind: Gadget
metadata: {name: thing, namespace: shop}
"""


@pytest.mark.parametrize(
    ("resources", "extra", "refused"),
    [
        ("['*']", "", {"cm", "reader", "thing"}),
        ("['*/*']", "", {"cm", "reader", "thing"}),
        ("['configmaps/*']", "", {"cm"}),  # a subresource wildcard matches the resource too
        ("['configmaps/status']", "", set()),
        ("['gadgets']", "", {"thing"}),  # Kubernetes' guess of an unknown kind's resource
        ("['*']", ", scope: Cluster", {"reader"}),
        ("['*']", ", scope: Namespaced", {"cm", "thing"}),
        ("['*']", ", resourceNames: [reader]", {"reader"}),
    ],
)
def test_resource_rule_forms(tmp_path, resources, extra, refused):
    text = _policy(_rules(resources, extra)) + NAMESPACED_AND_CLUSTER
    assert {f.resource.name for f in _findings(tmp_path, text)} == refused


def test_a_crd_among_the_files_names_its_resource(tmp_path):
    crd = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgetries.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gadget, plural: gadgetries}
---
"""
    text = _policy(_rules("['gadgetries']")) + crd + NAMESPACED_AND_CLUSTER
    assert {f.resource.name for f in _findings(tmp_path, text)} == {"thing"}


def test_a_namespace_is_matched_by_its_own_labels(tmp_path):
    binding = "  matchResources:\n    namespaceSelector: {matchLabels: {tier: prod}}\n"
    namespaces = """\
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {tier: prod}}
---
apiVersion: v1
kind: Namespace
metadata: {name: dev}
"""
    text = _policy(_rules("[namespaces]"), binding) + namespaces
    assert {f.resource.name for f in _findings(tmp_path, text)} == {"prod"}


def test_a_param_kind_without_param_ref_is_a_failure(tmp_path):
    spec = "  paramKind: {apiVersion: v1, kind: ConfigMap}\n" + _rules("[configmaps]")
    text = _policy(spec) + NAMESPACED_AND_CLUSTER
    (finding,) = _findings(tmp_path, text)
    assert "has paramKind ConfigMap but the binding has no paramRef" in finding.message


def test_a_multi_line_message_expression_falls_back_to_the_message(tmp_path):
    spec = _rules("[configmaps]").replace(
        "    message: refused\n", "    message: refused\n    messageExpression: \"'a\\\\nb'\"\n"
    )
    (finding,) = _findings(tmp_path, _policy(spec) + NAMESPACED_AND_CLUSTER)
    assert finding.message.endswith("denied request: refused")


def test_request_and_namespace_object_are_synthesised(tmp_path):
    spec = (
        "  matchConstraints:\n    resourceRules:\n"
        "    - {apiGroups: [''], apiVersions: [v1], operations: [CREATE],"
        " resources: [configmaps]}\n"
        "  validations:\n"
        "  - expression: >-\n"
        "      request.operation == 'CREATE' && oldObject == null &&\n"
        "      request.resource.resource == 'configmaps' && request.namespace == 'shop' &&\n"
        "      request.userInfo.username == '' && object.metadata.namespace == 'shop' &&\n"
        "      namespaceObject.metadata.labels['kubernetes.io/metadata.name'] == 'shop' &&\n"
        "      params == null\n"
    )
    assert _findings(tmp_path, _policy(spec) + NAMESPACED_AND_CLUSTER) == []


def test_an_unbound_policy_reports_nothing_but_its_note(tmp_path):
    text = (
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
        "metadata: {name: alone}\nspec:\n" + _rules("['*']") + "---\n" + NAMESPACED_AND_CLUSTER
    )
    assert _findings(tmp_path, text) == []
    (note,) = _findings(tmp_path, text, "admission-policy-unbound")
    assert "has no binding" in note.message


def test_expressions_compile_once_per_process_in_their_own_environment():
    first = compiled("object.spec.replicas <= 5", "admission")
    assert isinstance(first, Compiled)
    assert compiled("object.spec.replicas <= 5", "admission") is first
    # The environments do not leak into each other.
    assert isinstance(compiled("self.replicas <= 5", "admission"), Unsupported)
    assert isinstance(compiled("object.spec.replicas <= 5"), Unsupported)


def _generator():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "gen_resources.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SHARED / "crd-all.gen.yaml").exists(), reason="../shared is absent")
def test_shipped_resource_table_matches_regeneration():
    generator = _generator()
    shipped = (ROOT / "meshlint" / "data" / "resources.json").read_text()
    assert generator.render(generator.generate(SHARED)) == shipped, "run scripts/gen_resources.py"


def test_resource_table_has_the_kinds_matching_relies_on():
    table = json.loads((ROOT / "meshlint" / "data" / "resources.json").read_text())
    assert table["networking.istio.io/VirtualService"] == ["virtualservices", True]
    assert table["telemetry.istio.io/Telemetry"] == ["telemetries", True]
    assert table["apps/Deployment"] == ["deployments", True]
    assert table["/Namespace"] == ["namespaces", False]
