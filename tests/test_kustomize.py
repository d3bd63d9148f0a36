"""meshlint.render.kustomize: finding kustomizations, what each reaches, what to render, and
rendering offline. Tests marked by ``real_renderer`` run the real kustomize (or kubectl
kustomize) and are skipped, with the reason shown, when neither is on PATH; the others use
small fake renderers written as shell scripts, which also prove when nothing was called."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
import yaml
from renderers import need_kustomize

from meshlint.render import Render, RenderCache
from meshlint.render.kustomize import (
    closure,
    find_kustomizations,
    leaves,
    origin,
    render,
    render_many,
    render_plan,
    renderer_command,
    strip_build_annotations,
)

DESTINATION_RULE = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
"""

ONLY_V2 = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  subsets:
  - name: v2
    labels: {version: v2}
"""

BASE_AND_OVERLAYS = {
    "base/kustomization.yaml": "resources:\n- dr.yaml\n",
    "base/dr.yaml": DESTINATION_RULE,
    "overlays/prod/kustomization.yaml": (
        "namespace: prod\nresources:\n- ../../base\npatches:\n- path: only-v2.yaml\n"
    ),
    "overlays/prod/only-v2.yaml": ONLY_V2,
    "overlays/dev/kustomization.yml": "namespace: dev\nresources: [../../base]\n",
}


def write_tree(root: Path, files: dict[str, str]) -> list[str]:
    """Write ``files`` under ``root``; their names, relative to ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return sorted(files)


def real_renderer() -> list[str]:
    """The real renderer, or a skip that says why the test could not run."""
    return need_kustomize()


def fake_renderer(directory: Path, body: str, name: str = "fake-renderer") -> list[str]:
    """A renderer that logs its arguments to ``<name>.log`` (one line a call), then runs
    ``body``; returns the command."""
    script = directory / name
    log = directory / f"{name}.log"
    script.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\n{body}\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return [str(script)]


def render_calls(command: list[str]) -> list[str]:
    """The logged calls of a fake renderer that were renders (not a version query)."""
    log = Path(command[0] + ".log")
    lines = log.read_text().splitlines() if log.exists() else []
    return [line for line in lines if line != "version"]


def documents(result: Render) -> list[dict]:
    assert result.error is None, result.error
    return [d for d in yaml.safe_load_all(result.text) if d]


def test_finds_a_base_with_two_overlays_and_their_leaves(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, BASE_AND_OVERLAYS))
    assert sorted(ks) == ["base", "overlays/dev", "overlays/prod"]
    prod = ks["overlays/prod"]
    assert prod.file == "overlays/prod/kustomization.yaml"
    assert prod.uses == ("base",)
    assert prod.inputs == ("overlays/prod/only-v2.yaml",)
    assert prod.patch_files == ("overlays/prod/only-v2.yaml",)
    assert ks["base"].inputs == ("base/dr.yaml",)
    assert ks["overlays/dev"].file == "overlays/dev/kustomization.yml"
    assert not any(k.problems or k.remote for k in ks.values())
    assert leaves(ks) == ["overlays/dev", "overlays/prod"]
    whole = closure("overlays/prod", ks)
    assert whole.directories == ("base", "overlays/prod")
    assert set(whole.files) == {
        "base/dr.yaml",
        "base/kustomization.yaml",
        "overlays/prod/kustomization.yaml",
        "overlays/prod/only-v2.yaml",
    }
    assert render_plan("overlays/prod", ks) == (["overlays/prod"], [])


def test_a_used_kustomization_missing_from_the_files_is_read_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, BASE_AND_OVERLAYS)
    ks = find_kustomizations(["overlays/prod/kustomization.yaml", "base/dr.yaml"])
    assert sorted(ks) == ["base", "overlays/prod"]
    assert leaves(ks) == ["overlays/prod"]


def test_absolute_names_give_absolute_directories(tmp_path):
    write_tree(tmp_path, BASE_AND_OVERLAYS)
    ks = find_kustomizations([str(tmp_path / "overlays/prod/kustomization.yaml")])
    assert sorted(ks) == [str(tmp_path / "base"), str(tmp_path / "overlays/prod")]
    assert ks[str(tmp_path / "base")].inputs == (str(tmp_path / "base/dr.yaml"),)


def test_the_patch_replaces_subsets_and_origins_point_at_base_and_overlay(tmp_path, monkeypatch):
    command = real_renderer()
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, BASE_AND_OVERLAYS))
    prod = render("overlays/prod", command, ks)
    (rule,) = documents(prod)
    assert rule["metadata"]["namespace"] == "prod"
    assert [s["name"] for s in rule["spec"]["subsets"]] == ["v2"]
    assert origin(rule, prod) == ("base/dr.yaml", "overlays/prod/kustomization.yaml")
    strip_build_annotations(rule)
    assert "annotations" not in rule["metadata"]
    assert not os.path.exists(prod.base), "the wrapper directory is removed"
    (rule,) = documents(render("overlays/dev", command, ks))
    assert rule["metadata"]["namespace"] == "dev"
    assert [s["name"] for s in rule["spec"]["subsets"]] == ["v1", "v2"]


def test_origins_outside_the_working_directory_are_absolute(tmp_path, monkeypatch):
    command = real_renderer()
    write_tree(tmp_path / "repo", BASE_AND_OVERLAYS)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    ks = find_kustomizations(["../repo/overlays/prod/kustomization.yaml"])
    result = render("../repo/overlays/prod", command, ks)
    (rule,) = documents(result)
    assert origin(rule, result) == (
        str(tmp_path / "repo/base/dr.yaml"),
        str(tmp_path / "repo/overlays/prod/kustomization.yaml"),
    )


def test_a_wrapper_far_from_the_leaf_still_reaches_it(tmp_path, monkeypatch):
    """The default load restrictor allows it: a directory resource is a new root."""
    command = real_renderer()
    write_tree(tmp_path / "a/b/c", BASE_AND_OVERLAYS)
    (tmp_path / "x/y/z").mkdir(parents=True)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "x/y/z"))
    ks = find_kustomizations([str(tmp_path / "a/b/c/overlays/prod/kustomization.yaml")])
    result = render(str(tmp_path / "a/b/c/overlays/prod"), command, ks)
    assert result.base.startswith(str(tmp_path / "x/y/z"))
    (rule,) = documents(result)
    assert origin(rule, result)[0] == str(tmp_path / "a/b/c/base/dr.yaml")


COMPONENTS_AND_GENERATORS = {
    "app/kustomization.yaml": (
        "resources: [dr.yaml]\n"
        "components: [../labels]\n"
        "configMapGenerator:\n"
        "- name: settings\n"
        "  files: [app.conf, renamed=other.conf]\n"
        "  envs: [app.env]\n"
    ),
    "app/dr.yaml": DESTINATION_RULE,
    "app/app.conf": "a = 1\n",
    "app/other.conf": "b = 2\n",
    "app/app.env": "C=3\n",
    "labels/kustomization.yaml": (
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n"
        "- pairs: {team: mesh}\n"
    ),
}


def test_components_and_config_map_generator_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, COMPONENTS_AND_GENERATORS))
    app = ks["app"]
    assert app.uses == ("labels",)
    assert set(app.inputs) == {"app/dr.yaml", "app/app.conf", "app/other.conf", "app/app.env"}
    assert ks["labels"].component and not app.component
    assert leaves(ks) == ["app"]
    used, left_out = render_plan("labels", ks)
    assert used == [] and "Component" in left_out[0]
    command = real_renderer()
    result = render("app", command, ks)
    by_kind = {d["kind"]: d for d in documents(result)}
    assert by_kind["DestinationRule"]["metadata"]["labels"] == {"team": "mesh"}
    settings = by_kind["ConfigMap"]
    assert set(settings["data"]) == {"app.conf", "renamed", "C"}
    # A generated document comes from the kustomization that generated it.
    assert origin(settings, result) == ("app/kustomization.yaml", "labels/kustomization.yaml")


REMOTE = {
    "local/kustomization.yaml": "resources: [dr.yaml]\n",
    "local/dr.yaml": DESTINATION_RULE,
    "remote/kustomization.yaml": (
        "resources:\n"
        "- github.com/org/repo//x?ref=v1\n"
        "- https://example.com/manifests/x.yaml\n"
        "- ../local\n"
    ),
    "top/kustomization.yaml": "namespace: top\nresources: [../remote]\n",
}


def test_remote_entries_are_refused_without_calling_the_renderer(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, REMOTE))
    assert ks["remote"].remote == (
        "github.com/org/repo//x?ref=v1",
        "https://example.com/manifests/x.yaml",
    )
    assert ks["remote"].uses == ("local",)
    whole = closure("top", ks)
    assert not whole.renderable
    assert {entry for _, entry in whole.remote} == set(ks["remote"].remote)
    command = fake_renderer(tmp_path, "echo called >&2; exit 99")
    result = render("top", command, ks)
    assert result.text is None
    assert "github.com/org/repo//x?ref=v1" in result.error
    assert "https://example.com/manifests/x.yaml" in result.error
    assert render_calls(command) == []


def test_the_plan_renders_the_local_kustomizations_beneath_a_remote_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, REMOTE))
    assert leaves(ks) == ["top"]
    chosen, left_out = render_plan("top", ks)
    assert chosen == ["local"]
    text = "\n".join(left_out)
    assert "github.com/org/repo//x?ref=v1" in text
    assert "https://example.com/manifests/x.yaml" in text
    assert "top/kustomization.yaml" in text  # not rendered whole, because of what it uses


def test_a_local_kustomization_under_two_chosen_paths_is_rendered_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = dict(REMOTE)
    files["middle/kustomization.yaml"] = "resources: [../local]\n"
    files["top/kustomization.yaml"] = "resources: [../remote, ../middle, ../local]\n"
    ks = find_kustomizations(write_tree(tmp_path, files))
    assert render_plan("top", ks)[0] == ["middle"]


def test_helm_charts_are_a_refusal_and_not_rendered(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {
        "chart/kustomization.yaml": (
            "helmCharts:\n- name: istiod\n  repo: https://istio-release.storage.googleapis.com"
            "/charts\n  version: 1.24.0\n"
        )
    }
    ks = find_kustomizations(write_tree(tmp_path, files))
    (refusal,) = ks["chart"].refused
    assert "helmCharts" in refusal and "--enable-helm" in refusal
    assert refusal in ks["chart"].problems
    command = fake_renderer(tmp_path, "exit 99")
    result = render("chart", command, ks)
    assert result.text is None and "helmCharts" in result.error
    assert render_calls(command) == []
    chosen, left_out = render_plan("chart", ks)
    assert chosen == [] and "helmCharts" in left_out[0]


def test_plugins_and_functions_are_refused_and_builtins_accepted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {
        "p/kustomization.yaml": "resources: [dr.yaml]\ntransformers: [prefix.yaml]\n",
        "p/dr.yaml": DESTINATION_RULE,
        "p/prefix.yaml": (
            "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata: {name: p}\n"
            "prefix: p-\nfieldSpecs: [{path: metadata/name}]\n"
        ),
        "f/kustomization.yaml": "generators: [fn.yaml]\nvalidators:\n- |\n  apiVersion: x/v1\n"
        "  kind: Check\n",
        "f/fn.yaml": (
            "apiVersion: example.com/v1\nkind: Make\nmetadata:\n  name: m\n  annotations:\n"
            "    config.kubernetes.io/function: |\n      exec: {path: ./make.sh}\n"
        ),
    }
    ks = find_kustomizations(write_tree(tmp_path, files))
    assert ks["p"].refused == () and "p/prefix.yaml" in ks["p"].inputs
    assert len(ks["f"].refused) == 2
    assert any("Make" in r for r in ks["f"].refused) and any("Check" in r for r in ks["f"].refused)
    command = fake_renderer(tmp_path, "exit 99")
    assert render("f", command, ks).error is not None
    assert render_calls(command) == []


def test_missing_paths_are_problems_but_do_not_stop_a_render(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {
        "m/kustomization.yaml": "resources: [gone.yaml, ../nowhere]\npatches:\n- path: p.yaml\n"
    }
    ks = find_kustomizations(write_tree(tmp_path, files))
    assert len(ks["m"].problems) == 3 and ks["m"].refused == ()
    assert all("does not exist" in p for p in ks["m"].problems)
    assert render_plan("m", ks) == (["m"], [])


def test_unparseable_and_empty_kustomizations_are_problems(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {"bad/kustomization.yaml": "resources: [a\n", "empty/kustomization.yaml": ""}
    ks = find_kustomizations(write_tree(tmp_path, files))
    assert "cannot read" in ks["bad"].problems[0]
    assert "empty" in ks["empty"].problems[0]


def test_several_kustomization_names_in_one_directory_are_a_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {"two/kustomization.yaml": "resources: []\n", "two/Kustomization": "resources: []\n"}
    ks = find_kustomizations(write_tree(tmp_path, files))
    assert list(ks) == ["two"]
    assert ks["two"].file == "two/kustomization.yaml"
    assert "several kustomization files" in ks["two"].problems[0]


def test_a_kustomization_without_suffix_is_found_and_rendered(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {"plain/Kustomization": "namespace: plain\nresources: [dr.yaml]\n"}
    files["plain/dr.yaml"] = DESTINATION_RULE
    ks = find_kustomizations(write_tree(tmp_path, files))
    assert ks["plain"].file == "plain/Kustomization"
    assert ks["plain"].inputs == ("plain/dr.yaml",)
    result = render("plain", real_renderer(), ks)
    (rule,) = documents(result)
    assert rule["metadata"]["namespace"] == "plain"
    assert origin(rule, result) == ("plain/dr.yaml", "plain/Kustomization")


CYCLE = {
    "a/kustomization.yaml": "resources: [../b]\n",
    "b/kustomization.yaml": "resources: [../a]\n",
    "c/kustomization.yaml": "resources: [../a]\n",
}


def test_a_cycle_ends_and_is_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, CYCLE))
    assert leaves(ks) == ["c"]
    whole = closure("c", ks)
    assert whole.directories == ("a", "b", "c")
    assert closure("a", ks).directories == ("a", "b")
    assert any("a -> b -> a" in message for _, message in whole.problems)
    assert render_plan("c", ks) == (["c"], [])  # kustomize reports the cycle itself
    result = render("c", real_renderer(), ks)
    assert result.text is None and "cycle detected" in result.error
    assert not result.error.startswith("E") and "run.go" not in result.error


@pytest.mark.slow
def test_a_long_chain_is_walked_without_recursion(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {f"k{i}/kustomization.yaml": f"resources: [../k{i + 1}]\n" for i in range(1500)}
    files["k1500/kustomization.yaml"] = "resources: []\n"
    ks = find_kustomizations(write_tree(tmp_path, files))
    assert leaves(ks) == ["k0"]
    assert len(closure("k0", ks).directories) == 1501
    assert closure("k0", ks) is closure("k0", ks)  # memoised
    assert len(closure("k700", ks).directories) == 801


def test_a_renderer_that_takes_too_long_is_stopped(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, BASE_AND_OVERLAYS))
    command = fake_renderer(tmp_path, "exec sleep 10")
    started = time.monotonic()
    result = render("base", command, ks, timeout=0.5)
    assert time.monotonic() - started < 5
    assert result.text is None and "did not finish within 0.5 s" in result.error


def test_no_renderer_on_path(monkeypatch):
    monkeypatch.setenv("PATH", "")
    assert renderer_command() is None
    assert renderer_command("/opt/kustomize build --load-restrictor 'Load None'") == [
        "/opt/kustomize",
        "build",
        "--load-restrictor",
        "Load None",
    ]


def test_kubectl_error_noise_is_trimmed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, BASE_AND_OVERLAYS))
    quoted = fake_renderer(
        tmp_path,
        """echo 'E1202 21:27:35.085138    5204 run.go:72] "command failed" err="a \\"b\\" c"' >&2
exit 1""",
        "quoted",
    )
    assert render("base", quoted, ks).error == 'a "b" c'
    block = fake_renderer(
        tmp_path,
        """printf 'E1202 21:29:05.961155    5765 run.go:72] "command failed" err=<\\n'\\
'\\tFound multiple kustomization files under: /x\\n >\\n' >&2
exit 1""",
        "block",
    )
    assert render("base", block, ks).error == "Found multiple kustomization files under: /x"


def test_a_warm_cache_renders_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, BASE_AND_OVERLAYS))
    command = fake_renderer(tmp_path, "echo 'kind: Service'")
    cache = RenderCache(tmp_path / "cache")
    first = render("overlays/prod", command, ks, cache=cache)
    assert first.text == "kind: Service\n"
    assert render("overlays/prod", command, ks, cache=cache) == first
    assert len(render_calls(command)) == 1
    (tmp_path / "base/dr.yaml").write_text(DESTINATION_RULE + "# changed\n")
    changed = find_kustomizations(sorted(BASE_AND_OVERLAYS))
    render("overlays/prod", command, changed, cache=cache)
    assert len(render_calls(command)) == 2


def test_render_many_keys_results_by_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ks = find_kustomizations(write_tree(tmp_path, BASE_AND_OVERLAYS | REMOTE))
    command = fake_renderer(tmp_path, "echo 'kind: Service'")
    wanted = ["overlays/prod", "overlays/dev", "remote", "base"]
    results = render_many(wanted, command, ks, timeout=10, cache=None, jobs=3)
    assert sorted(results) == sorted(wanted)
    assert all(results[d].directory == d for d in wanted)
    assert results["remote"].text is None
    assert all(results[d].text == "kind: Service\n" for d in wanted if d != "remote")
    assert len(render_calls(command)) == 3


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"metadata": None},
        {"metadata": {"annotations": "nope"}},
        {"metadata": {"annotations": {"config.kubernetes.io/origin": "[unclosed"}}},
        {"metadata": {"annotations": {"config.kubernetes.io/origin": "- a list"}}},
        {"metadata": {"annotations": {"alpha.config.kubernetes.io/transformations": "x: 1"}}},
        {"metadata": {"annotations": {"alpha.config.kubernetes.io/transformations": "- 3"}}},
    ],
)
def test_origin_tolerates_missing_and_garbage_annotations(body):
    assert origin(body, Render("d", "", None, base="/tmp/w")) == (None, None)


def test_strip_build_annotations_keeps_other_annotations():
    body = {
        "metadata": {
            "annotations": {
                "config.kubernetes.io/origin": "path: x.yaml\n",
                "alpha.config.kubernetes.io/transformations": "- configuredIn: k.yaml\n",
                "keep": "me",
            }
        }
    }
    strip_build_annotations(body)
    assert body == {"metadata": {"annotations": {"keep": "me"}}}
    strip_build_annotations({"metadata": None})  # tolerated


def test_a_failed_render_reads_from_the_users_kustomization(tmp_path, monkeypatch):
    """The outer layer of the message, about the temporary wrapper, is dropped."""
    command = real_renderer()
    monkeypatch.chdir(tmp_path)
    files = {"m/kustomization.yaml": "resources: [gone.yaml]\n"}
    ks = find_kustomizations(write_tree(tmp_path, files))
    result = render("m", command, ks)
    assert result.text is None
    assert result.error.startswith(
        "accumulating resources: accumulation err='accumulating resources from 'gone.yaml'"
    )
    assert "run.go" not in result.error


def test_a_component_beneath_a_remote_kustomization_is_named_not_rendered(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = dict(REMOTE)
    files["remote/kustomization.yaml"] += "components: [../labels]\n"
    files["labels/kustomization.yaml"] = COMPONENTS_AND_GENERATORS["labels/kustomization.yaml"]
    ks = find_kustomizations(write_tree(tmp_path, files))
    chosen, left_out = render_plan("top", ks)
    assert chosen == ["local"]
    assert any(m.startswith("labels/kustomization.yaml: a Component") for m in left_out)


def test_a_missing_local_path_with_a_dot_is_not_taken_for_a_host(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {"k/kustomization.yaml": "resources: [base.v2/x, gitlab.example.org/team/repo]\n"}
    ks = find_kustomizations(write_tree(tmp_path, files))
    assert ks["k"].remote == ("gitlab.example.org/team/repo",)
    assert "base.v2/x" in ks["k"].problems[0]
