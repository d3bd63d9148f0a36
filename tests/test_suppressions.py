"""Suppressions, per-file ignores and baselines silence exactly what they name."""

import io
import json
import re
from pathlib import Path

import pytest
from manifests import DR_REVIEWS_V1, SERVICE_REVIEWS

from meshlint.cli.main import main
from meshlint.engine.analyse import analyse_sources
from meshlint.engine.run import Run
from meshlint.input.loader import load_text
from meshlint.rules import select_rules

SERVICE_AND_RULE = f"{SERVICE_REVIEWS}---\n{DR_REVIEWS_V1}---\n"

VS_HEAD = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: shop
"""

VS_BODY = """\
spec:
  hosts: [reviews]
  gateways: [missing-gw]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
      weight: 50
    - destination: {host: ratingz}
      weight: 40
"""

RULES = select_rules(["ML101", "ML102", "ML103", "ML201", "ML901"])
EVERYTHING = {
    ("ML101", "spec.http[0].route[1].destination.host"),
    ("ML102", "spec.http[0].route[0].destination.subset"),
    ("ML103", "spec.gateways[0]"),
    ("ML201", "spec.http[0].route[0].weight"),
}


def lint(text: str, rules=RULES):
    return analyse_sources([load_text("mesh.yaml", text)], Run(rules=rules))


def found(text: str, rules=RULES) -> set[tuple[str, str]]:
    return {(f.code, f.field) for f in lint(text, rules).findings}


def manifest(annotations: str = "", body: str = VS_BODY, top: str = "") -> str:
    head = VS_HEAD + (f"  annotations:\n{annotations}" if annotations else "")
    return top + SERVICE_AND_RULE + head + body


def test_the_unsuppressed_manifest_has_one_finding_per_rule():
    assert found(manifest()) == EVERYTHING


def without(*codes: str) -> set[str]:
    everything = {code for code, _ in found(manifest())}
    return everything - set(codes)


def codes(text: str) -> set[str]:
    return {f.code for f in lint(text).findings}


def test_comment_on_the_line_silences_that_rule_on_that_line_only():
    body = VS_BODY.replace("subset: v2}", "subset: v2}  # meshlint: disable=dangling-subset")
    assert codes(manifest(body=body)) == without("ML102")
    # naming another rule silences nothing and is reported as unused
    body = VS_BODY.replace("subset: v2}", "subset: v2}  # meshlint: disable=dangling-host")
    report = lint(manifest(body=body))
    assert {f.code for f in report.findings} == without() | {"ML901"}
    unused = [f for f in report.findings if f.code == "ML901"]
    assert len(unused) == 1 and "unused suppression of dangling-host" in unused[0].message


def test_disable_next_line_by_code_and_a_comment_line_of_its_own():
    body = VS_BODY.replace(
        "    - destination: {host: ratingz}",
        "    # meshlint: disable-next-line=ML101\n    - destination: {host: ratingz}",
    )
    assert codes(manifest(body=body)) == without("ML101")
    body = VS_BODY.replace("  gateways:", "  # meshlint: disable=dangling-gateway\n  gateways:")
    assert codes(manifest(body=body)) == without("ML103")


def test_file_level_comment_silences_the_rule_in_that_file_only():
    text = manifest(top="# meshlint: disable-file=weight-sum\n")
    assert codes(text) == without("ML201")
    other = load_text("other.yaml", manifest())
    report = analyse_sources([load_text("mesh.yaml", text), other], Run(rules=RULES))
    in_other = {f.code for f in report.findings if f.file == "other.yaml"}
    assert "ML201" in in_other


def test_meshlint_annotation_silences_named_rules_on_that_resource():
    text = manifest('    meshlint.io/ignore: "dangling-gateway, ML201"\n')
    assert codes(text) == without("ML103", "ML201")
    # on another resource it silences nothing there, and is unused
    text = manifest().replace(
        "metadata: {name: reviews, namespace: shop}\nspec:\n  host",
        "metadata:\n  name: reviews\n  namespace: shop\n"
        "  annotations: {meshlint.io/ignore: dangling-subset}\nspec:\n  host",
    )
    assert codes(text) == without() | {"ML901"}


@pytest.mark.parametrize(
    ("annotation", "silenced"),
    [
        ('galley.istio.io/analyze-suppress: "IST0101"', ("ML101", "ML102", "ML103")),
        ('galley.istio.io/analyze-suppress: " IST0102 , IST0101 "', ("ML101", "ML102", "ML103")),
        ('galley.istio.io/analyze-suppress: "*"', ("ML101", "ML102", "ML103")),
        ('galley.istio.io/analyze-suppress: "IST0108"', ()),
        ('kiali.io/ignore-validations: "KIA1107"', ("ML102",)),
        ('kiali.io/ignore-validations: "KIA1104, KIA1102"', ("ML201", "ML103")),
        ('kiali.io/ignore-validations: ""', ("ML101", "ML102", "ML103", "ML201")),
    ],
)
def test_istio_and_kiali_annotations_only_for_rules_with_those_refs(annotation, silenced):
    report = lint(manifest(f"    {annotation}\n"))
    assert {f.code for f in report.findings} == without(*silenced)
    assert all(why.kind == "inSource" for _, why in report.suppressed)
    assert all(why.justification.startswith(annotation[:10]) for _, why in report.suppressed)
    assert sorted(f.code for f, _ in report.suppressed) == sorted(silenced)


def test_unused_suppression_is_judged_only_for_rules_that_ran():
    body = VS_BODY.replace("subset: v2}", "subset: v2}  # meshlint: disable=weight-sum")
    assert "ML901" in codes(manifest(body=body))
    only = select_rules(["ML102", "ML901"])
    assert {f.code for f in lint(manifest(body=body), only).findings} == {"ML102"}


def test_unused_suppression_can_itself_be_disabled():
    body = VS_BODY.replace("subset: v2}", "subset: v2}  # meshlint: disable=weight-sum")
    text = manifest(body=body, top="# meshlint: disable-file=unused-suppression\n")
    assert codes(text) == without()


def test_internal_errors_are_never_suppressed():
    from dataclasses import replace

    from meshlint.rules import find_rule

    def boom(mesh, options):
        raise RuntimeError("boom")

    broken = replace(find_rule("weight-sum"), check=boom)
    text = "# meshlint: disable-file=internal-error,weight-sum\n" + manifest()
    report = lint(text, (broken,))
    assert [f.rule for f in report.findings] == ["internal-error"]


def test_documented_suppression_example_silences_everything_it_names():
    page = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
    section = page.read_text().split("\n## Suppressions\n", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.S)[1]
    report = analyse_sources([load_text("readme.yaml", example)])
    assert report.findings == []
    assert {f.code for f, _ in report.suppressed} == {"ML101", "ML102", "ML201"}


# -- per-file ignores and baselines (through the command line) ----------------------------


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(["--no-color", "--format", "json", *argv], out, err)
    assert code in (0, 1), err.getvalue()
    return {(f["file"], f["code"], f["field"]) for f in json.loads(out.getvalue())["findings"]}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "legacy").mkdir()
    (tmp_path / "a.yaml").write_text(manifest())
    (tmp_path / "legacy" / "b.yaml").write_text(manifest().replace("shop", "old"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_per_file_ignore_silences_named_rules_in_matching_files_only(repo):
    before = run([])
    (repo / ".meshlint.yaml").write_text("per-file-ignores:\n  'legacy/**': [dangling-host]\n")
    after = run([])
    assert before - after == {f for f in before if f[0] == "legacy/b.yaml" and f[1] == "ML101"}
    assert after <= before and len(before - after) == 1


def test_baseline_reports_only_new_findings_and_survives_line_shifts(repo):
    everything = run([])
    baseline = repo / "baseline.json"
    code = main(["--write-baseline", str(baseline)], io.StringIO(), io.StringIO())
    assert code == 0
    assert len(json.loads(baseline.read_text())["findings"]) == len(everything)
    assert run(["--baseline", str(baseline)]) == set()
    # shift every line, and add one new problem of a rule that is already in the baseline
    text = (repo / "a.yaml").read_text()
    text = "# a comment\n# another\n" + text + "  - route:\n    - destination: {host: detailz}\n"
    (repo / "a.yaml").write_text(text)
    new = run(["--baseline", str(baseline)])
    # the new route is new on two counts: its host dangles, and a catch-all shadows it
    assert new == {
        ("a.yaml", "ML101", "spec.http[1].route[0].destination.host"),
        ("a.yaml", "ML213", "spec.http[1]"),
    }
    # the config key does the same
    (repo / ".meshlint.yaml").write_text("baseline: baseline.json\n")
    assert run([]) == new


def test_a_second_identical_finding_is_new(repo):
    baseline = repo / "baseline.json"
    main(["--write-baseline", str(baseline), "a.yaml"], io.StringIO(), io.StringIO())
    # The same route again in the same VirtualService: findings identical to the recorded
    # ones but for their index. (A second copy of the whole VirtualService would be the same
    # resource, which only duplicate-resource reports.)
    route = VS_BODY.split("  http:\n", 1)[1]
    (repo / "a.yaml").write_text(manifest(body=VS_BODY + route))
    new = run(["--baseline", str(baseline), "a.yaml"])
    # the repeated route's three findings are new (the baseline holds one of each), and the
    # repeated route is unreachable (ML213, not in the baseline at all)
    assert sorted(code for _, code, _ in new) == ["ML101", "ML102", "ML201", "ML213"]


def test_unreadable_baseline_is_a_usage_error(repo):
    (repo / "bad.json").write_text("{}")
    err = io.StringIO()
    assert main(["--baseline", "bad.json"], io.StringIO(), err) == 2
    assert "not a meshlint baseline" in err.getvalue()
