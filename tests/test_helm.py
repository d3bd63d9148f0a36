"""meshlint.render.helm: charts found among the input files, rendered by `helm template`
(a fake helm that records its arguments; the real one when it is installed) and the rendered
documents traced back to their templates."""

from __future__ import annotations

import bisect
import os
import shutil
import stat
from pathlib import Path

import pytest
from renderers import need_helm

from meshlint.input.loader import discover, load_text
from meshlint.render import RenderCache
from meshlint.render import helm as helm_module
from meshlint.render.helm import (
    find_charts,
    helm_command,
    release_name,
    render,
    template_sources,
)

FLAGGER_CHARTS = Path("/work/shared/realworld/flagger/charts")

CHART = {
    "web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n"
    "dependencies:\n- name: db\n  version: 1.0.0\n  repository: https://charts.example.com\n",
    "web/values.yaml": "replicas: 2\n",
    "web/values-prod.yaml": "replicas: 5\n",
    "web/templates/_helpers.tpl": '{{- define "web.name" -}}web{{- end }}\n',
    "web/templates/service.yaml": "apiVersion: v1\nkind: Service\n"
    "metadata:\n  name: {{ .Release.Name }}\n",
    "web/templates/vs.yaml": "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
    "metadata:\n  name: {{ .Release.Name }}\n",
    "web/crds/crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n",
    # The subchart's directory is not its name: helm names its templates by the name.
    "web/charts/postgres/Chart.yaml": "apiVersion: v2\nname: db\nversion: 1.0.0\n",
    "web/charts/postgres/values.yaml": "port: 5432\n",
    "web/charts/postgres/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\n"
    "metadata:\n  name: {{ .Release.Name }}-db\n",
    "loose.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: loose}\n",
}

# What `helm template web ./web` prints: every document after "---" and a "# Source:" line
# naming the template by chart name (pkg/action/action.go: "---\n# Source: %s\n%s\n"),
# a template that holds two documents split into two sections, hooks last.
RENDERED = """\
---
# Source: web/charts/db/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-db
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    note: "# Source: not a section header"
---
# Source: web/templates/vs.yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
---
# Source: web/templates/vs.yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web-canary
"""


def write_tree(root: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return list(discover([str(root)]))


def fake_helm(tmp_path: Path, output: str = RENDERED, fail: str = "") -> tuple[Path, Path]:
    """A `helm` that records each call's arguments (one per line, calls separated by a
    blank line) and prints ``output`` for `template` (or fails with ``fail``)."""
    record = tmp_path / "argv.txt"
    (tmp_path / "rendered.yaml").write_text(output)
    script = tmp_path / "bin" / "helm"
    script.parent.mkdir()
    failing = f"echo {fail!r} >&2; exit 1" if fail else f"cat '{tmp_path / 'rendered.yaml'}'"
    script.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$@\" >> '{record}'\n"
        f"echo >> '{record}'\n"
        f"echo \"$HTTPS_PROXY $HELM_PLUGINS\" > '{tmp_path / 'env.txt'}'\n"
        'if [ "$1" = version ]; then echo v3.15.4+gfake; exit 0; fi\n'
        f"{failing}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, record


def calls(record: Path) -> list[list[str]]:
    if not record.exists():
        return []
    return [block.split("\n") for block in record.read_text().strip("\n").split("\n\n")]


@pytest.fixture
def chart_tree(tmp_path):
    files = write_tree(tmp_path / "repo", CHART)
    (tmp_path / "repo" / "web" / "charts" / "postgres" / "templates" / "NOTES.txt").write_text("")
    return tmp_path / "repo", files


# -- finding charts ----------------------------------------------------------------------


def test_a_chart_with_a_subchart_and_values_files(chart_tree):
    root, files = chart_tree
    charts = find_charts(files)
    web = str(root / "web")
    assert list(charts) == [web]
    chart = charts[web]
    assert chart.directory == web and chart.name == "web" and not chart.problems
    # Every input file below the chart, the subchart's included; the loose manifest is not.
    assert set(chart.files) == {f for f in files if f.startswith(web + os.sep)}
    assert str(root / "web" / "charts" / "postgres" / "values.yaml") in chart.files
    assert str(root / "loose.yaml") not in chart.files
    assert chart.values_files == (str(root / "web" / "values.yaml"),)


def test_chart_paths_keep_the_spelling_of_the_input(chart_tree, monkeypatch):
    root, _ = chart_tree
    monkeypatch.chdir(root / "web")
    files = list(discover(["."]))
    (chart,) = find_charts(files).values()
    assert chart.directory == "." and chart.name == "web"
    assert chart.values_files == ("./values.yaml",)
    assert "./templates/service.yaml" in chart.files

    monkeypatch.chdir(root)
    (chart,) = find_charts(["web/Chart.yaml", "web/templates/vs.yaml", "loose.yaml"]).values()
    assert chart.directory == "web" and chart.files == ("web/Chart.yaml", "web/templates/vs.yaml")
    assert chart.values_files == ("web/values.yaml",)  # on disk, though not an input


def test_a_broken_chart_file_is_a_problem_and_the_directory_names_the_chart(tmp_path):
    files = write_tree(tmp_path, {"gw/Chart.yaml": "name: [unclosed\n", "gw/templates/a.yaml": ""})
    (chart,) = find_charts(files).values()
    assert chart.name == "gw" and chart.values_files == ()
    assert len(chart.problems) == 1 and "cannot be read" in chart.problems[0]


def test_no_chart_no_charts(tmp_path):
    assert find_charts(write_tree(tmp_path, {"a.yaml": "", "b/c.yaml": ""})) == {}


@pytest.mark.skipif(not FLAGGER_CHARTS.is_dir(), reason="Flagger's charts are not on this machine")
def test_flaggers_charts():
    files = list(discover([str(FLAGGER_CHARTS)]))
    charts = find_charts(files)
    assert sorted(c.name for c in charts.values()) == [
        "flagger",
        "grafana",
        "loadtester",
        "podinfo",
    ]
    owned = [name for chart in charts.values() for name in chart.files]
    assert len(owned) == len(set(owned))  # no file in two charts
    templates = [f for f in files if f"{os.sep}templates{os.sep}" in f]
    assert templates and set(templates) <= set(owned)  # no template outside a chart
    assert all(len(c.values_files) == 1 and not c.problems for c in charts.values())


# -- the helm command --------------------------------------------------------------------


def test_helm_command(tmp_path, monkeypatch):
    assert helm_command("'/opt/helm v3/helm' --debug") == ["/opt/helm v3/helm", "--debug"]
    monkeypatch.setenv("PATH", str(tmp_path))
    assert helm_command() is None and helm_command("  ") is None
    script, _ = fake_helm(tmp_path)
    monkeypatch.setenv("PATH", str(script.parent))
    assert helm_command() == ["helm"]


def test_release_names_are_what_helm_accepts():
    assert release_name("web") == "web"
    assert release_name("My_Chart.v2") == "my-chart-v2"
    assert release_name("x" * 80) == "x" * 53
    assert release_name("__") == "release"


# -- rendering with a fake helm ----------------------------------------------------------


def test_render_runs_helm_template_offline_with_the_values_files(chart_tree, tmp_path):
    root, files = chart_tree
    (chart,) = find_charts(files).values()
    script, record = fake_helm(tmp_path)
    prod = str(root / "web" / "values-prod.yaml")
    result = render(chart, [str(script)], values=[prod])
    assert result.error is None and result.text == RENDERED
    assert result.directory == chart.directory
    ((*argv,),) = calls(record)
    assert argv == ["template", "web", chart.directory, "--values", prod]
    for forbidden in ("--dependency-update", "--post-renderer", "--include-crds", "--repo"):
        assert not any(a.startswith(forbidden) for a in argv)


def test_helm_runs_offline_without_plugins(chart_tree, tmp_path):
    _, files = chart_tree
    (chart,) = find_charts(files).values()
    script, _ = fake_helm(tmp_path)
    render(chart, [str(script)])
    proxy, plugins = (tmp_path / "env.txt").read_text().split()
    assert proxy == "http://127.0.0.1:9"
    assert "meshlint-helm-" in plugins and not os.path.exists(plugins)


def test_render_passes_relative_paths_so_helm_reads_them_as_local(
    chart_tree, tmp_path, monkeypatch
):
    root, _ = chart_tree
    monkeypatch.chdir(root)
    (chart,) = find_charts(["web/Chart.yaml", "web/templates/vs.yaml"]).values()
    script, record = fake_helm(tmp_path)
    render(chart, [str(script)], values=["web/values-prod.yaml"])
    assert calls(record) == [
        ["template", "web", "./web", "--values", "./web/values-prod.yaml"],
    ]


def test_a_dependency_that_is_not_vendored_is_not_rendered(tmp_path):
    files = write_tree(tmp_path / "repo", {k: v for k, v in CHART.items() if "/charts/" not in k})
    (chart,) = find_charts(files).values()
    script, record = fake_helm(tmp_path)
    result = render(chart, [str(script)])
    assert result.text is None and "db" in result.error and "vendored" in result.error
    assert calls(record) == []  # helm was not even asked


def test_a_dependency_vendored_as_an_archive_is_enough(tmp_path):
    files = write_tree(tmp_path / "repo", {k: v for k, v in CHART.items() if "/charts/" not in k})
    (tmp_path / "repo" / "web" / "charts").mkdir()
    (tmp_path / "repo" / "web" / "charts" / "db-1.0.0.tgz").write_bytes(b"\x1f\x8b")
    (chart,) = find_charts(files).values()
    script, _ = fake_helm(tmp_path)
    assert render(chart, [str(script)]).error is None


def test_helm_failing_is_the_render_error(chart_tree, tmp_path):
    _, files = chart_tree
    (chart,) = find_charts(files).values()
    script, _ = fake_helm(tmp_path, fail="Error: parse error at (web/templates/vs.yaml:3)")
    result = render(chart, [str(script)])
    assert result.text is None and "parse error" in result.error


def test_renders_are_cached_by_every_chart_file(chart_tree, tmp_path, monkeypatch):
    root, files = chart_tree
    (chart,) = find_charts(files).values()
    script, record = fake_helm(tmp_path)
    monkeypatch.setattr(helm_module, "_VERSIONS", {})
    cache = RenderCache(tmp_path / "cache")
    first = render(chart, [str(script)], cache=cache)
    assert render(chart, [str(script)], cache=cache) == first
    assert [call[0] for call in calls(record)] == ["version", "template"]  # version once
    # _helpers.tpl is not an input file, but it changes what helm prints.
    (root / "web" / "templates" / "_helpers.tpl").write_text('{{- define "web.name" -}}x{{ end }}')
    render(chart, [str(script)], cache=cache)
    assert [call[0] for call in calls(record)] == ["version", "template", "template"]
    # A values file is part of the key too.
    render(chart, [str(script)], values=[str(root / "web" / "values-prod.yaml")], cache=cache)
    assert len(calls(record)) == 4


# -- where rendered documents came from --------------------------------------------------


def test_template_sources_name_the_files_below_the_chart(chart_tree):
    root, files = chart_tree
    (chart,) = find_charts(files).values()
    web = root / "web"
    assert template_sources(RENDERED, chart) == [
        (str(web / "charts" / "postgres" / "templates" / "deployment.yaml"), 1),
        (str(web / "templates" / "service.yaml"), 7),
        (str(web / "templates" / "vs.yaml"), 15),
        (str(web / "templates" / "vs.yaml"), 21),
    ]
    assert RENDERED.split("\n")[7].startswith("# Source: web/templates/service.yaml")


def test_each_rendered_document_falls_in_its_templates_section(chart_tree):
    """How the caller attributes a document: the last section starting at or before it."""
    _, files = chart_tree
    (chart,) = find_charts(files).values()
    sources = template_sources(RENDERED, chart)
    documents = load_text("<helm template>", RENDERED).with_positions()
    owners = [
        sources[bisect.bisect_right([line for _, line in sources], d.line) - 1][0]
        for d in documents
    ]
    names = [d.value["metadata"]["name"] for d in documents]
    assert list(zip(names, [Path(o).name for o in owners], strict=True)) == [
        ("web-db", "deployment.yaml"),
        ("web", "service.yaml"),
        ("web", "vs.yaml"),
        ("web-canary", "vs.yaml"),
    ]


def test_an_aliased_subchart_is_found_by_its_alias(chart_tree):
    root, files = chart_tree
    chart_file = root / "web" / "Chart.yaml"
    chart_file.write_text(chart_file.read_text() + "  alias: database\n")
    (chart,) = find_charts(files).values()
    text = "---\n# Source: web/charts/database/templates/deployment.yaml\nkind: Deployment\n"
    assert template_sources(text, chart) == [
        (str(root / "web" / "charts" / "postgres" / "templates" / "deployment.yaml"), 1)
    ]


def test_template_sources_are_spelled_like_the_inputs(chart_tree, monkeypatch):
    root, _ = chart_tree
    monkeypatch.chdir(root / "web")
    (chart,) = find_charts(list(discover(["."]))).values()
    sources = [name for name, _ in template_sources(RENDERED, chart)]
    assert sources[:2] == [
        "./charts/postgres/templates/deployment.yaml",
        "./templates/service.yaml",
    ]


# -- the real helm -----------------------------------------------------------------------


def test_real_helm_renders_a_chart(tmp_path):
    command = need_helm()
    files = write_tree(tmp_path, {k: v for k, v in CHART.items() if k != "loose.yaml"})
    (chart,) = find_charts(files).values()
    result = render(chart, command)
    assert result.error is None, result.error
    sources = template_sources(result.text, chart)
    assert {name for name, _ in sources} == {
        str(tmp_path / "web" / "templates" / "service.yaml"),
        str(tmp_path / "web" / "templates" / "vs.yaml"),
        str(tmp_path / "web" / "charts" / "postgres" / "templates" / "deployment.yaml"),
    }
    assert "CustomResourceDefinition" not in result.text  # crds/ stays out
    assert shutil.which(command[0])
