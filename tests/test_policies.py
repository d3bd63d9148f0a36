"""Declared rules (policies): the policy file's validation, the shipped pack's examples, a
team's policy added with one YAML file, and a policy behaving as any rule does (selection,
severities, suppressions, baselines, SARIF, `meshlint explain`, `meshlint rules`)."""

from __future__ import annotations

import io
import json
import re
import textwrap
from pathlib import Path

import pytest

from meshlint.cli.main import main
from meshlint.cli.policy_tests import example_failures
from meshlint.input.yamlpos import parse_documents
from meshlint.rules import RULES
from meshlint.rules.policies import PolicyError, load_policies, load_specs, pack_dir
from meshlint.rules.policies.format import _schema_errors, read_policy

ROOT = Path(__file__).resolve().parent.parent
PACK = [rule for rule in RULES if rule.origin]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


# -- the policy file --------------------------------------------------------------------------

VALID = """\
name: acme-prod-dr-outlier
code: ACME001
severity: error
summary: Production DestinationRules set outlier detection
message: "{resource} has no outlierDetection ({problem})"
match:
  kinds: [DestinationRule]
  production: true
assert:
  cel: has(object.spec.trafficPolicy) && has(object.spec.trafficPolicy.outlierDetection)
"""


def errors_of(tmp_path: Path, text: str) -> list[str]:
    path = write(tmp_path / "policy.yaml", text)
    with pytest.raises(PolicyError) as raised:
        read_policy(path)
    return [line.replace(f"{path}:", "") for line in str(raised.value).splitlines()]


def test_a_valid_policy_reads(tmp_path):
    assert read_policy(write(tmp_path / "valid.yaml", VALID)).code == "ACME001"


def test_misspelt_keys_are_reported_at_their_line_and_column_with_did_you_mean(tmp_path):
    text = VALID.replace("severity:", "sevrity:").replace("  kinds:", "  kind:")
    assert set(errors_of(tmp_path, text)) == {
        "1:1: missing the required key 'severity'",
        "3:1: sevrity: unknown key 'sevrity' (did you mean 'severity'?)",
        "7:3: match.kind: unknown key 'kind' (did you mean 'kinds'?)",
        "6:1: match: missing the required key 'kinds'",
    }


def test_wrong_values_name_their_field(tmp_path):
    text = VALID.replace("severity: error", "severity: eror").replace(
        "production: true", "production: yes please"
    )
    found = errors_of(tmp_path, text)
    assert (
        "3:11: severity: the string 'eror' is not one of 'error', 'warning', 'info' "
        + ("(did you mean 'error'?)")
        in found
    )
    assert any(f.startswith("8:15: match.production: expected boolean") for f in found)


def test_codes_of_meshlint_placeholders_cel_and_graph_conditions_are_checked(tmp_path):
    text = (
        VALID.replace("ACME001", "ML950")
        .replace("({problem})", "({probelm})")
        .replace("has(object.spec.trafficPolicy) &&", "hass(object) &&")
        + "  routed-to: true\n"
    )
    text = text.replace("kinds: [DestinationRule]", "kinds: [DestinationRule, Gateway]")
    found = errors_of(tmp_path, text)
    assert any(f.startswith("2:7: code: 'ML950' is in a range meshlint keeps") for f in found)
    assert any(
        "message: unknown placeholder {probelm} (did you mean 'problem'?)" in f for f in found
    )
    assert any(f.startswith("10:8: assert.cel: the CEL expression cannot be used") for f in found)
    assert any("assert.routed-to: cannot be asked about Gateway" in f for f in found)


def test_a_code_or_name_used_twice_is_an_error(tmp_path):
    write(tmp_path / "a.yaml", VALID)
    write(tmp_path / "b.yaml", VALID)
    with pytest.raises(PolicyError, match=r"b.yaml: code 'ACME001' is already used by .*a.yaml"):
        load_policies([tmp_path])
    write(
        tmp_path / "b.yaml",
        VALID.replace("ACME001", "ACME002").replace("acme-prod-dr-outlier", "weight-sum"),
    )
    with pytest.raises(PolicyError, match="name 'weight-sum' is already used by meshlint"):
        load_policies([tmp_path / "b.yaml"], taken=RULES)


def test_the_schema_is_shipped_and_is_a_json_schema():
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "meshlint" / "data" / "policy.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    assert set(schema["required"]) >= {"name", "code", "severity", "match", "assert"}


# -- the pack ---------------------------------------------------------------------------------


def test_every_pack_file_is_valid_against_the_policy_schema():
    """What ``read_policy`` skips for the pack at run time, checked here."""
    for path in sorted((ROOT / "rules").glob("*.yaml")):
        (data,) = [value for value, _, _ in parse_documents(path.read_text(), [])]
        assert _schema_errors(path, data) == [], path


def test_the_pack_is_in_the_registry_and_ships_in_the_wheel():
    assert pack_dir() == ROOT / "rules"
    assert [r.code for r in PACK] == [f"MP{n:03d}" for n in range(1, len(PACK) + 1)]
    assert len(PACK) >= 10
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '"rules" = "meshlint/_data/rules"' in pyproject


def test_the_pack_turns_on_only_what_prevents_an_outage():
    on = {r.code for r in PACK if r.enabled_by_default}
    assert on == {"MP002", "MP003", "MP006"}


@pytest.mark.parametrize("pair", load_specs([ROOT / "rules"], pack=True), ids=lambda p: p[1].name)
def test_every_shipped_policy_has_examples_that_behave(pair):
    spec, rule = pair
    assert spec.bad and spec.good
    assert example_failures(spec, rule) == []
    assert spec.references and len(spec.description) > 200, "cite Istio's docs, say why"


def test_rules_test_runs_the_pack():
    code, out, _ = run("rules", "test", str(ROOT / "rules"))
    assert code == 0, out
    assert f"{len(PACK)} of {len(PACK)} policies pass their examples" in out


def test_rules_test_fails_when_a_bad_example_draws_nothing(tmp_path):
    policy = VALID + textwrap.dedent(
        """\
        examples:
          bad:
            - |
              apiVersion: networking.istio.io/v1
              kind: DestinationRule
              metadata: {name: r, namespace: shop-staging}
              spec: {host: r}
          good:
            - |
              apiVersion: networking.istio.io/v1
              kind: DestinationRule
              metadata: {name: r, namespace: shop-prod}
              spec: {host: r}
        """
    )
    path = write(tmp_path / "p.yaml", policy)
    code, out, _ = run("rules", "test", str(path))
    assert code == 1
    assert re.search(r"p.yaml:\d+: examples.bad\[0\]: draws no finding of ACME001", out)
    assert re.search(r"p.yaml:\d+: examples.good\[0\]: draws 1 finding", out)
    code, _, err = run("rules", "test", str(write(tmp_path / "bad.yaml", "name: x\n")))
    assert code == 2 and "missing the required key 'code'" in err


# -- a team's policy: one YAML file, a reachability condition and a CEL assertion ------------

TEAM_POLICY = """\
name: public-services-labelled
code: ACME101
severity: warning
summary: Services the internet reaches carry exposure=public
description: |
  A Service that traffic from the public ingress gateway reaches must say so with the label
  exposure=public, so that reviews of public surface find it.
message: "{resource} is reachable from the public gateway but lacks the label exposure=public"
match:
  kinds: [Service]
  reachable-from-gateway:
    selector: {istio: ingressgateway}
assert:
  field: metadata.labels
  cel: >-
    has(object.metadata.labels) && "exposure" in object.metadata.labels &&
    object.metadata.labels["exposure"] == "public"
examples:
  bad:
    - |
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: public, namespace: istio-system}
      spec:
        selector: {istio: ingressgateway}
        servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: web, namespace: shop}
      spec:
        hosts: [shop.example.com]
        gateways: [istio-system/public]
        http: [{route: [{destination: {host: web}}]}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
  good:
    - |
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
"""

GATEWAYS = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [shop.example.com, blog.example.com]
    tls: {mode: SIMPLE, credentialName: public-cert}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: internal, namespace: istio-system}
spec:
  selector: {istio: internal-gateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [admin.corp.example.com]
"""

ROUTES = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/public]
  http:
  - match: [{uri: {prefix: /api}}]
    delegate: {name: api, namespace: shop}
  - route: [{destination: {host: web.shop.svc.cluster.local}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: shop}
spec:
  http:
  - route: [{destination: {host: api.shop.svc.cluster.local}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: blog, namespace: blog}
spec:
  hosts: [blog.example.com]
  gateways: [istio-system/public]
  http:
  - route: [{destination: {host: web.blog.svc.cluster.local}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: admin, namespace: admin}
spec:
  hosts: [admin.corp.example.com]
  gateways: [istio-system/internal]
  http:
  - route: [{destination: {host: panel.admin.svc.cluster.local}}]
"""

SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  labels: {team: shop}
spec: {selector: {app: api}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: blog
  labels: {exposure: public}
spec: {selector: {app: web}, ports: [{name: http, port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: panel, namespace: admin}
spec: {selector: {app: panel}, ports: [{name: http, port: 80}]}
"""


@pytest.fixture
def team(tmp_path, monkeypatch):
    """A repository with two Gateways (public, internal), three namespaces and one policy file
    named by the config's rules-dirs."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "policies" / "public-services-labelled.yaml", TEAM_POLICY)
    write(tmp_path / ".meshlint.yaml", "rules-dirs: [policies]\n")
    write(tmp_path / "mesh" / "gateways.yaml", GATEWAYS)
    write(tmp_path / "mesh" / "routes.yaml", ROUTES)
    write(tmp_path / "mesh" / "services.yaml", SERVICES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(*argv: str) -> list[dict]:
    code, out, err = run("mesh", "--format", "json", "--exit-zero", "--no-cache", *argv)
    assert code == 0, err
    return json.loads(out)["findings"]


def team_findings(*argv: str) -> list[tuple[str, int, int, str]]:
    return sorted(
        (f["resource"]["namespace"], f["line"], f["column"], f["severity"])
        for f in findings(*argv)
        if f["code"] == "ACME101"
    )


def test_a_team_policy_needs_one_yaml_file_and_follows_the_mesh_graph(team):
    # shop/web (routed directly) and shop/api (through a delegate) are reached from the
    # public gateway; blog/web carries the label; admin/panel is behind the internal gateway.
    # Each at its metadata.labels, or metadata where there are none.
    assert team_findings() == [("shop", 3, 1, "warning"), ("shop", 11, 3, "warning")]
    found = [f for f in findings() if f["code"] == "ACME101"]
    assert {f["rule"] for f in found} == {"public-services-labelled"}
    assert found[0]["message"].startswith("Service shop/web is reachable from the public gateway")


def test_the_policy_can_also_come_from_the_command_line(team):
    (team / ".meshlint.yaml").write_text("")
    assert team_findings() == []
    assert len(team_findings("--rules", "policies")) == 2


def test_select_ignore_and_severity_apply_to_a_policy(team):
    assert {f["code"] for f in findings("--select", "ACME101")} == {"ACME101"}
    assert {f["code"] for f in findings("--select", "ACME")} == {"ACME101"}
    assert team_findings("--select", "public-services-labelled") != []
    assert team_findings("--ignore", "ACME101") == []
    (team / ".meshlint.yaml").write_text(
        "rules-dirs: [policies]\nseverity: {public-services-labelled: error}\n"
        "per-file-ignores: {'mesh/other.yaml': [ACME101]}\n"
    )
    assert {s for *_, s in team_findings()} == {"error"}


def test_a_config_naming_an_unknown_policy_suggests_one(team):
    (team / ".meshlint.yaml").write_text(
        "rules-dirs: [policies]\nselect: [public-services-label]\n"
    )
    code, _, err = run("mesh", "--no-cache")
    assert code == 2 and "did you mean 'public-services-labelled'?" in err


def test_suppressions_silence_a_policy(team):
    services = team / "mesh" / "services.yaml"
    services.write_text(
        SERVICES.replace(
            "metadata: {name: web, namespace: shop}",
            "metadata: {name: web, namespace: shop}  # meshlint: disable=public-services-labelled",
        )
    )
    assert team_findings() == [("shop", 11, 3, "warning")]
    # Named but not selected: neither unused nor "names no rule".
    assert not [f for f in findings("--ignore", "ACME101") if f["rule"] == "unused-suppression"]


def test_the_baseline_records_policy_findings(team):
    code, _, err = run("mesh", "--no-cache", "--write-baseline", "baseline.json")
    assert code == 0, err
    assert team_findings("--baseline", "baseline.json") == []


def test_sarif_describes_the_policy(team):
    code, out, _ = run("mesh", "--format", "sarif", "--exit-zero", "--no-cache")
    assert code == 0
    run_ = json.loads(out)["runs"][0]
    descriptor = next(r for r in run_["tool"]["driver"]["rules"] if r["id"] == "ACME101")
    assert descriptor["name"] == "public-services-labelled"
    assert "exposure=public" in descriptor["fullDescription"]["text"]
    assert "## Policy" not in descriptor["help"]["markdown"].split("## What it does")[0]
    assert any(r["ruleId"] == "ACME101" for r in run_["results"])


def test_explain_and_rules_list_a_policy(team):
    code, out, _ = run("explain", "ACME101")
    assert code == 0 and out.startswith("# ACME101 public-services-labelled")
    assert "## Example" in out and "reachable-from-gateway" in out
    code, out, _ = run("rules", "--format", "json")
    listed = {r["code"]: r for r in json.loads(out)}
    assert listed["ACME101"]["origin"].endswith("public-services-labelled.yaml")
    assert listed["MP001"]["default"] == "off" and listed["MP002"]["default"] == "on"


def test_a_pack_policy_off_by_default_runs_when_selected(team):
    write(
        team / "mesh" / "dr.yaml",
        """\
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web, namespace: shop-prod}
        spec: {host: web}
        """,
    )
    assert "MP001" not in {f["code"] for f in findings()}
    assert "MP001" in {f["code"] for f in findings("--select", "ALL,MP001")}


# -- the README's example --------------------------------------------------------------------


def test_the_readme_policy_works(tmp_path, monkeypatch):
    readme = (ROOT / "README.md").read_text()
    policy = re.search(r"```yaml\n(# rules/.*?)```", readme, re.S)[1]
    (tmp_path / ".git").mkdir()
    write(tmp_path / "rules" / "p.yaml", policy)
    write(
        tmp_path / "dr.yaml",
        """\
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: web, namespace: shop-prod}
        spec: {host: web}
        """,
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("dr.yaml", "--rules", "rules", "--format", "json", "--no-cache")
    assert code == 1
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ACME001"]


# -- the facts behind the graph conditions ---------------------------------------------------

AUTHZ_MESH = """\
apiVersion: v1
kind: Service
metadata: {name: a, namespace: one}
spec: {selector: {app: a}}
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: two}
spec: {selector: {app: b}}
---
apiVersion: v1
kind: Service
metadata: {name: c, namespace: three}
spec: {selector: {app: c}}
---
apiVersion: v1
kind: Service
metadata: {name: d, namespace: four}
spec: {selector: {app: d}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ns-wide, namespace: one}
spec: {action: DENY, rules: [{}]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: mesh-b, namespace: istio-system}
spec: {selector: {matchLabels: {app: b}}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: other, namespace: three}
spec: {selector: {matchLabels: {app: z}}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: waypoint, namespace: four}
spec: {targetRefs: [{kind: Service, group: "", name: d}]}
"""


def test_authorization_policies_apply_by_namespace_root_selector_and_target_refs():
    from meshlint.config.settings import Settings
    from meshlint.facts.graph import build_mesh
    from meshlint.facts.reachability import authorization_policies
    from meshlint.input.loader import load_text
    from meshlint.input.resources import extract_resources

    source = load_text("authz.yaml", AUTHZ_MESH)
    mesh = build_mesh(extract_resources([source], "default").resources, [source], Settings())
    by_name = {r.name: r for r in mesh.resources if r.kind == "Service"}
    found = {name: [p.name for p in authorization_policies(mesh, s)] for name, s in by_name.items()}
    assert found == {"a": ["ns-wide"], "b": ["mesh-b"], "c": [], "d": ["waypoint"]}


def test_a_finding_about_the_whole_resource_points_at_its_name(tmp_path, monkeypatch):
    """A policy with no ``field`` reports at ``metadata.name``, never at the document's first
    line (VALID asserts over the whole object)."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / "policies" / "p.yaml", VALID)
    write(tmp_path / ".meshlint.yaml", "rules-dirs: [policies]\n")
    write(
        tmp_path / "mesh" / "dr.yaml",
        """\
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: web
          namespace: prod
        spec: {host: web}
        """,
    )
    monkeypatch.chdir(tmp_path)
    found = [f for f in findings() if f["code"] == "ACME001"]
    assert [(f["line"], f["column"], f["field"]) for f in found] == [(4, 9, "metadata.name")]
