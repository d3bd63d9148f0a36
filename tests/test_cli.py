"""The command line, run in-process: exit codes, formats, stdin, subcommands."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from meshlint.cli.main import main
from meshlint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

CLEAN = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
"""
WARNING_ONLY = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
"""
# A route to a Service that the files, which manage shop's Services, do not hold.
ERROR = """\
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


def run(*argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "m.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_clean_input_exits_zero(tmp_path):
    code, out, _ = run(write(tmp_path, CLEAN))
    assert code == 0
    assert "No problems found in 1 file, 1 resource." in out


def test_findings_exit_one_and_fail_on_controls_the_threshold(tmp_path):
    path = write(tmp_path, WARNING_ONLY)
    assert run(path)[0] == 1
    assert run(path, "--fail-on", "error")[0] == 0
    assert run(path, "--fail-on", "info")[0] == 1
    assert run(path, "--fail-on", "never")[0] == 0
    assert run(path, "--exit-zero")[0] == 0
    assert run(write(tmp_path, ERROR, "e.yaml"), "--fail-on", "error")[0] == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["--select", "no-such-rule"],
        ["--ignore", "ML999"],
        ["--istio-version", "banana"],
        ["--format", "xml"],
        ["--fail-on", "sometimes"],
    ],
)
def test_usage_errors_exit_two(tmp_path, argv):
    code, out, err = run(write(tmp_path, CLEAN), *argv)
    assert code == 2
    assert "error" in err
    assert out == ""


def test_select_and_ignore_by_name_code_and_prefix(tmp_path):
    path = write(tmp_path, ERROR + "---\n" + WARNING_ONLY)

    def rules(*argv: str) -> set[str]:
        findings = json.loads(run(path, "--format", "json", *argv)[1])["findings"]
        return {f["rule"] for f in findings}

    assert rules() == {"dangling-host", "injection-missing"}
    assert rules("--select", "dangling-host") == {"dangling-host"}
    assert rules("--select", "ML4") == {"injection-missing"}
    assert rules("--ignore", "ML101,injection-missing") == set()
    assert rules("--select", "ALL", "--ignore", "ML1") == {"injection-missing"}


def test_json_contract(tmp_path):
    path = write(tmp_path, ERROR + "---\n" + WARNING_ONLY)
    code, out, _ = run(path, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["version"] == 1
    assert data["summary"] == {
        "files": 1,
        "resources": 3,
        "meshes": 1,
        "errors": 1,
        "warnings": 1,
        "infos": 0,
    }
    host, namespace = data["findings"]
    assert host == {
        "code": "ML101",
        "rule": "dangling-host",
        "severity": "error",
        "message": host["message"],
        "file": path,
        "line": 8,
        "column": 27,
        "resource": {
            "apiVersion": "networking.istio.io/v1",
            "kind": "VirtualService",
            "namespace": "shop",
            "name": "web",
        },
        "field": "spec.http[0].route[0].destination.host",
        "mesh": None,  # one mesh: no name needed
        "refs": ["IST0101", "KIA1101"],
        "related": [],
    }
    assert "web.shop.svc.cluster.local" in host["message"]
    assert namespace["resource"]["namespace"] is None
    assert namespace["resource"]["kind"] == "Namespace"


def test_text_format_lines_excerpt_and_summary_without_colour(tmp_path):
    path = write(tmp_path, ERROR)
    code, out, _ = run(path)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:8:27 error ML101 dangling-host destination host 'web'")
    assert lines[1] == "   8 |     - destination: {host: web}"
    assert lines[2] == "     | " + " " * 26 + "^^^"
    assert lines[-1] == "Found 1 problem (1 error, 0 warnings, 0 infos) in 1 file, 2 resources."
    assert "\x1b[" not in out


def test_text_output_is_grouped_by_file(tmp_path):
    write(tmp_path, WARNING_ONLY, "b.yaml")
    write(tmp_path, WARNING_ONLY.replace("shop", "cart"), "a.yaml")
    _, out, _ = run(str(tmp_path))
    heads = [line.split(":")[0] for line in out.splitlines() if re.match(r"\S+:\d+:\d+ ", line)]
    assert heads == [str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]


def test_stdin_with_kubectl_list_output(monkeypatch):
    listing = "apiVersion: v1\nkind: List\nitems:\n" + "".join(
        "- " + doc.replace("\n", "\n  ").rstrip() + "\n" for doc in (*ERROR.split("---\n"), CLEAN)
    )
    code, out, _ = run("-", "--format", "json", stdin=listing, monkeypatch=monkeypatch)
    data = json.loads(out)
    assert code == 1
    assert [(f["file"], f["line"], f["rule"]) for f in data["findings"]] == [
        ("<stdin>", 11, "dangling-host")
    ]
    assert data["summary"]["resources"] == 3


def test_namespace_option_sets_the_default_namespace(tmp_path):
    text = ERROR.replace("namespace: shop", "") + "---\napiVersion: v1\nkind: Service\n"
    path = write(tmp_path, text + "metadata: {name: web, namespace: shop}\n")
    assert run(path)[0] == 1  # the VirtualService is in `default`
    assert run(path, "--namespace", "shop")[0] == 0


def test_rules_subcommand_lists_every_rule():
    code, out, _ = run("rules")
    assert code == 0
    for rule in RULES:
        assert rule.code in out and rule.name in out
    code, out, _ = run("rules", "--format", "json")
    listed = json.loads(out)
    assert [r["name"] for r in listed] == [r.name for r in RULES]
    assert {"code", "name", "severity", "summary", "refs", "options"} <= set(listed[0])


def test_explain_by_name_and_code():
    code, by_name, _ = run("explain", "weight-sum")
    assert code == 0
    assert by_name.startswith("# ML201 weight-sum")
    assert "## Example" in by_name and "## Use instead" in by_name
    assert run("explain", "ml201")[1] == by_name
    assert run("explain", "nope")[0] == 2


def test_version_and_help():
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("meshlint ")
    assert run("--help")[0] == 0


def test_examples_show_each_planted_mistake_at_its_field():
    # --no-render: the kustomize overlays say they were not rendered (tests/test_layout.py
    # renders them), so the result is the same on a machine without kubectl
    code, out, _ = run(str(EXAMPLES), "--format", "json", "--no-render")
    assert code == 1
    found = {
        (
            Path(f["file"]).resolve().relative_to(EXAMPLES).as_posix(),
            f["line"],
            f["column"],
            f["rule"],
        )
        for f in json.loads(out)["findings"]
    }
    assert found == {
        ("bookstore/namespace.yaml", 15, 3, "injection-missing"),
        ("bookstore/telemetry.yaml", 11, 31, "trace-sampling-production"),
        # timeout 5s < attempts 3 x perTryTimeout 2s (the policy pack's MP006, on by default)
        ("bookstore/virtualservice.yaml", 17, 14, "route-timeout-shorter-than-retries"),
        ("bookstore/virtualservice.yaml", 28, 15, "weight-sum"),
        ("bookstore/virtualservice.yaml", 57, 15, "dangling-host"),
        ("bookstore/virtualservice.yaml", 63, 17, "dangling-subset"),
        ("gitops/apps/ratings/overlays/dev/kustomization.yaml", 1, 1, "not-rendered"),
        ("gitops/apps/ratings/overlays/staging/kustomization.yaml", 1, 1, "not-rendered"),
        ("gitops/clusters/prod/bookinfo.yaml", 67, 15, "weight-sum"),
        ("gitops/clusters/prod/bookinfo.yaml", 68, 44, "dangling-subset"),
        ("gitops/clusters/prod/bookinfo.yaml", 76, 31, "trace-sampling-production"),
    }
