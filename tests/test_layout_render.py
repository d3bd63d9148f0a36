"""Rendered meshes end to end: kustomize overlays analysed as rendered and reported at their
sources, no renderer, rendering off, failures, and the render cache."""

import io
import json
import stat
from pathlib import Path

import pytest
from renderers import need_kustomize

from meshlint.cli.main import main

BASE = {
    "base/kustomization.yaml": "resources: [reviews.yaml, workloads.yaml]\n",
    "base/workloads.yaml": "".join(
        f"""\
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: reviews-{v}}}
spec:
  selector: {{matchLabels: {{app: reviews, version: {v}}}}}
  template:
    metadata: {{labels: {{app: reviews, version: {v}}}}}
    spec: {{containers: [{{name: reviews, image: reviews:{v}}}]}}
"""
        for v in ("v1", "v2")
    ),
    "base/reviews.yaml": """\
apiVersion: v1
kind: Service
metadata: {name: reviews}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
""",
    "overlays/dev/kustomization.yaml": "namespace: dev\nresources: [../../base]\n",
    # the patch "adds" v2 and so replaces the subsets: v1 vanishes in staging only
    "overlays/staging/kustomization.yaml": (
        "namespace: staging\nresources: [../../base]\npatches:\n- path: subsets.yaml\n"
    ),
    "overlays/staging/subsets.yaml": """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  subsets:
  - {name: v2, labels: {version: v2}}
""",
}


@pytest.fixture
def overlays(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    for name, text in BASE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(*args: str) -> dict:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--format", "json", *args], out, err)
    assert code in (0, 1), err.getvalue()
    return json.loads(out.getvalue())


def summary(report: dict) -> list[tuple]:
    return sorted((f["rule"], f["file"], f["line"], f["mesh"]) for f in report["findings"])


def test_list_replacement_is_found_and_pointed_at_the_overlay(overlays):
    need_kustomize()
    report = lint("--no-cache", ".")
    assert summary(report) == [
        # the route in the base, broken in staging only
        ("dangling-subset", "base/reviews.yaml", 23, "overlays/staging"),
        # the cause: the overlay's patch, at its list
        ("kustomize-list-replaced", "overlays/staging/subsets.yaml", 5, "overlays/staging"),
    ]
    replaced = report["findings"][1]
    assert "dropping 'v1' defined in base/reviews.yaml" in replaced["message"]
    # inputs are never linted as live resources: the patch has no host, and no finding says so
    assert not [f for f in report["findings"] if f["rule"].startswith("schema")]


def test_naming_an_overlay_reports_its_findings_in_the_base(overlays):
    need_kustomize()
    report = lint("--no-cache", "overlays/staging")
    assert {f["mesh"] for f in report["findings"]} == {"overlays/staging"}
    assert ("dangling-subset", "base/reviews.yaml", 23, "overlays/staging") in summary(report)
    # the overlay's own files and the base it renders
    assert report["summary"]["files"] == 5
    report = lint("--no-cache", "overlays/dev")
    assert report["findings"] == []


def test_without_a_renderer_each_leaf_says_so_once(overlays, monkeypatch):
    monkeypatch.setenv("PATH", str(overlays / "no-such-bin"))
    report = lint("--no-cache", ".")
    assert summary(report) == [
        ("not-rendered", "overlays/dev/kustomization.yaml", 1, "overlays/dev"),
        ("not-rendered", "overlays/staging/kustomization.yaml", 1, "overlays/staging"),
    ]
    message = report["findings"][0]["message"]
    assert "neither kustomize nor kubectl is on PATH" in message
    assert "`kubectl kustomize overlays/dev | meshlint -`" in message
    assert report["summary"]["resources"] == 0


def test_no_render_is_the_same_without_touching_the_renderer(overlays):
    report = lint("--no-cache", "--no-render", ".")
    assert [f["rule"] for f in report["findings"]] == ["not-rendered", "not-rendered"]
    assert "rendering is off (--no-render)" in report["findings"][0]["message"]


def test_a_failed_render_is_a_finding_and_the_run_goes_on(overlays):
    need_kustomize()
    (overlays / "overlays/dev/kustomization.yaml").write_text(
        "resources: [../../base]\npatches:\n- path: gone.yaml\n"
    )
    (overlays / "plain").mkdir()
    (overlays / "plain/vs.yaml").write_text(
        BASE["base/reviews.yaml"].split("---\n")[2].replace("subset: v1", "subset: v9")
    )
    report = lint("--no-cache", ".")
    failed = [f for f in report["findings"] if f["rule"] == "render-failed"]
    assert [(f["file"], f["mesh"]) for f in failed] == [
        ("overlays/dev/kustomization.yaml", "overlays/dev")
    ]
    assert "gone.yaml" in failed[0]["message"]
    rules = {(f["rule"], f["mesh"]) for f in report["findings"]}
    assert ("kustomize-list-replaced", "overlays/staging") in rules  # other overlays go on


def counting_renderer(tmp_path: Path, real: list[str]) -> tuple[str, Path]:
    """A renderer command that records each call, then runs the real one."""
    calls = tmp_path / "calls"
    script = tmp_path / "render.sh"
    script.write_text(f'#!/bin/sh\necho "$@" >> {calls}\nexec {" ".join(real)} "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script), calls


def test_a_warm_run_renders_nothing(overlays, tmp_path_factory):
    real = need_kustomize()
    bin_dir = tmp_path_factory.mktemp("bin")
    command, calls = counting_renderer(bin_dir, real)
    (overlays / ".meshlint.yaml").write_text(f"kustomize-command: {command}\n")
    cache = str(tmp_path_factory.mktemp("cache"))
    cold = lint("--cache-dir", cache, "--jobs", "2", ".")
    renders = [line for line in calls.read_text().splitlines() if "version" not in line]
    assert len(renders) == 2  # one per overlay
    (overlays / "unrelated.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n"
    )
    warm = lint("--cache-dir", cache, ".")  # a changed tree: analysed again, not rendered again
    assert [line for line in calls.read_text().splitlines() if "version" not in line] == renders
    assert summary(warm) == summary(cold)
    # an input of one overlay changed: that overlay alone renders again
    patch = overlays / "overlays/staging/subsets.yaml"
    patch.write_text(
        patch.read_text().replace(
            "  - {name: v2", "  - {name: v1, labels: {version: v1}}\n  - {name: v2"
        )
    )
    fixed = lint("--cache-dir", cache, ".")
    again = [line for line in calls.read_text().splitlines() if "version" not in line]
    assert again[:2] == renders and len(again) == 3
    assert "overlays/staging" in again[2] or "kustomize" in again[2]
    assert not [f for f in fixed["findings"] if f["mesh"] == "overlays/staging"]


def test_a_change_outside_the_named_paths_reaches_the_next_run(overlays, tmp_path_factory):
    """Outside a repository the context is the named overlay, but its render reads the base:
    a run that rendered is never stored whole, so an edit of the base is seen."""
    need_kustomize()
    (overlays / ".git").rmdir()
    cache = str(tmp_path_factory.mktemp("cache"))
    first = lint("--cache-dir", cache, "overlays/dev")
    assert first["findings"] == []
    base = overlays / "base/reviews.yaml"
    base.write_text(base.read_text().replace("subset: v1}", "subset: v7}"))
    second = lint("--cache-dir", cache, "overlays/dev")
    assert [(f["rule"], f["file"]) for f in second["findings"]] == [
        ("dangling-subset", "base/reviews.yaml")
    ]


CHART = {
    "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    "charts/web/values.yaml": "host: reviews\n",
    "charts/web/templates/_helpers.tpl": '{{- define "web.name" -}}web{{- end }}\n',
    "charts/web/templates/virtual-service.yaml": """\
{{/* routes of the web chart */}}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: {{ include "web.name" . }}
spec:
  hosts: [{{ .Values.host }}]
  http:
  - route:
    - destination:
        host: {{ .Values.host }}
        subset: v1
""",
}

# What `helm template web charts/web` prints for CHART: each document after `---` and a
# `# Source:` comment (helm's pkg/action); the route's subset is defined nowhere.
RENDERED = """\
---
# Source: web/templates/virtual-service.yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
spec:
  hosts: [reviews]
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
"""


def fake_helm(directory: Path, output: str) -> str:
    """A stand-in for helm (none is installed here): prints ``output`` for `template`."""
    (directory / "rendered.yaml").write_text(output)
    script = directory / "helm"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {directory / "calls"}\n'
        'if [ "$1" = version ]; then echo v3.16.0; exit 0; fi\n'
        f"cat {directory / 'rendered.yaml'}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_a_chart_is_rendered_and_findings_point_at_its_templates(tmp_path, monkeypatch):
    repo, bin_dir = tmp_path / "repo", tmp_path / "bin"
    (repo / ".git").mkdir(parents=True)
    bin_dir.mkdir()
    for name, text in CHART.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    command = fake_helm(bin_dir, RENDERED)
    (repo / ".meshlint.yaml").write_text(
        f"helm-command: {command}\nhelm-values:\n  charts/web: [prod-values.yaml]\n"
    )
    (repo / "prod-values.yaml").write_text("host: reviews\n")
    monkeypatch.chdir(repo)
    report = lint("--no-cache", "charts")
    # the unrendered template is never linted (no helm-template, no yaml-syntax); the rendered
    # route is, at the template that made it (its host is not reported: the chart holds no
    # Service, so the Service is deployed from elsewhere)
    assert summary(report) == [
        ("dangling-subset", "charts/web/templates/virtual-service.yaml", 12, "charts/web"),
    ]
    calls = (bin_dir / "calls").read_text().splitlines()
    template = [c for c in calls if c.startswith("template")]
    assert template == [f"template web ./charts/web --values {repo}/prod-values.yaml"]


def test_a_chart_without_helm_is_one_info(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    for name, text in CHART.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))
    report = lint("--no-cache", ".")
    assert summary(report) == [("not-rendered", "charts/web/Chart.yaml", 1, "charts/web")]
    assert "`helm template web charts/web | meshlint -`" in report["findings"][0]["message"]


def test_a_base_outside_the_working_directory_is_still_pointed_at(overlays, monkeypatch):
    """Run from inside the overlay: the base lies above the working directory, and its
    findings name it by its absolute path, the way the run spells such files."""
    need_kustomize()
    (overlays / ".git").rmdir()  # no repository: the base is read only because renders need it
    monkeypatch.chdir(overlays / "overlays" / "staging")
    report = lint("--no-cache", ".")
    base = str(overlays / "base" / "reviews.yaml")
    assert ("dangling-subset", base, 23, ".") in summary(report)
    assert ("kustomize-list-replaced", "subsets.yaml", 5, ".") in summary(report)
