"""Report scope (the paths named) vs context (the repository or the configured paths)."""

import io
import json
import os
import random

import pytest
from manifests import DR_REVIEWS_V1, SERVICE_REVIEWS, VS_REVIEWS_V2

from meshlint.cli.main import main
from meshlint.input import loader

FILES = {
    "mesh/vs.yaml": VS_REVIEWS_V2,
    "mesh/dr.yaml": DR_REVIEWS_V1,
    "apps/svc.yaml": SERVICE_REVIEWS,
    "apps/ratings.yaml": """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings, namespace: shop}
spec:
  hosts: [ratings.shop.svc.cluster.local]
  http:
  - route:
    - destination: {host: ratingz}
      weight: 90
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: shop}
spec: {selector: {app: ratings}}
""",
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(*paths: str) -> tuple[int, list[dict]]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--no-color", "--format", "json", *paths], out, err)
    assert code in (0, 1), err.getvalue()
    return code, json.loads(out.getvalue())["findings"]


def test_a_changed_destination_rule_fails_on_the_virtual_service_that_uses_it(repo):
    code, findings = lint("mesh/dr.yaml")
    assert code == 1
    assert [(f["file"], f["rule"]) for f in findings] == [("mesh/vs.yaml", "dangling-subset")]
    assert findings[0]["related"][0]["file"] == "mesh/dr.yaml"


def test_unrelated_files_in_the_context_are_not_reported(repo):
    assert lint("apps/svc.yaml") == (0, [])
    _code, findings = lint("mesh/vs.yaml")
    assert {f["file"] for f in findings} == {"mesh/vs.yaml"}


def test_the_context_resolves_references_to_files_not_named(repo):
    # the Service in apps/ makes `reviews` a known host: no dangling-host on vs.yaml
    _, findings = lint("mesh/vs.yaml")
    assert "dangling-host" not in {f["rule"] for f in findings}


def per_file(findings: list[dict]) -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {}
    for finding in findings:
        result.setdefault(finding["file"], []).append(finding)
    return result


def test_a_files_results_do_not_depend_on_how_it_was_named(repo):
    _, walked = lint()
    whole = per_file(walked)
    assert set(whole) == {"mesh/vs.yaml", "apps/ratings.yaml"}
    for name in FILES:
        expected = whole.get(name, [])
        for argv in (
            [name],
            [f"./{name}"],
            [str(repo / name)],
            [os.path.dirname(name)],
            [*FILES],
            [*reversed(FILES)],
            ["."],
        ):
            _, findings = lint(*argv)
            assert per_file(findings).get(name, []) == expected, argv


def test_batches_report_the_same_as_one_run(repo):
    _, whole = lint(*FILES)
    names = list(FILES)
    for seed in range(3):
        random.Random(seed).shuffle(names)
        cut = seed + 1
        seen = []
        for batch in (names[:cut], names[cut:]):
            seen += lint(*batch)[1]
        unique = {json.dumps(f, sort_keys=True) for f in seen}
        assert unique == {json.dumps(f, sort_keys=True) for f in whole}


def test_from_a_subdirectory_without_paths_the_scope_is_that_directory(repo, monkeypatch):
    monkeypatch.chdir(repo / "mesh")
    code, findings = lint()
    assert code == 1
    assert {f["file"] for f in findings} == {"vs.yaml"}
    assert "dangling-host" not in {f["rule"] for f in findings}


def test_the_root_of_the_context_is_walked_once(repo, monkeypatch):
    walked = []
    original = loader._walk
    monkeypatch.setattr(loader, "_walk", lambda root: walked.append(root) or original(root))
    _, dot = lint(".")
    _, unnamed = lint()
    assert dot == unnamed
    assert len(walked) == 2  # once per run, though "." is both the context and the scope
    walked.clear()
    _, below = lint("mesh")  # a directory below: walked on its own (symlinks may differ)
    assert len(walked) == 2
    assert {f["file"] for f in below} == {"mesh/vs.yaml"}


def test_configured_paths_are_the_context(repo):
    (repo / ".meshlint.yaml").write_text("paths: [mesh]\n")
    (repo / "mesh" / "other.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: shop}\n"
    )
    _, findings = lint("mesh/vs.yaml")
    # apps/ is no longer read: the Service is gone from a namespace whose Services mesh/
    # manages, so the host dangles
    assert "dangling-host" in {f["rule"] for f in findings}
    _, findings = lint()
    # only files under the configured paths are read (and so reported)
    files = {f["file"] for f in findings}
    assert "mesh/vs.yaml" in files
    assert all(file.startswith("mesh/") for file in files)


def test_paths_outside_the_repository_are_read_alone(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "vs.yaml"
    outside.write_text(VS_REVIEWS_V2)
    _, findings = lint(str(outside))
    # read alone, the file holds no Service: the missing host is not evidence of anything
    assert {f["rule"] for f in findings} == {"dangling-subset"}


def test_a_destination_rule_hidden_by_export_to_fails_on_the_virtual_service(repo):
    (repo / "mesh" / "dr.yaml").write_text(
        # The service's own namespace exports it nowhere else: clients elsewhere find no rule.
        DR_REVIEWS_V1.replace(
            "host: reviews", "host: reviews.shop.svc.cluster.local\n  exportTo: [.]"
        ).replace("name: v1", "name: v2")
    )
    code, findings = lint("mesh/dr.yaml")
    assert code == 1
    assert [(f["file"], f["rule"]) for f in findings] == [("mesh/vs.yaml", "dangling-subset")]
    assert findings[0]["related"][0]["file"] == "mesh/dr.yaml"
    assert findings[0]["related"][0]["line"] == 6
