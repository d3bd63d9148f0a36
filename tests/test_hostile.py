"""Hostile and broken input: every class yields findings or a clean pass, never a traceback,
and the other files of the run are still analysed (issue 7)."""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import hostile
import pytest

from meshlint.cli.main import main
from meshlint.engine.analyse import analyse_sources
from meshlint.input import yamlpos
from meshlint.input.loader import load_file, load_text
from meshlint.input.problems import ProblemKind
from meshlint.input.yamlpos import Limits
from meshlint.rules import RULES, find_rule

ROOT = Path(__file__).resolve().parent.parent
# The rules about reading input; a file expected to pass must get none of these. Other rules
# may have something to say about the good files, and more of them will come.
INPUT_RULES = {rule.name for rule in RULES if "ML001" <= rule.code <= "ML029"}


def run(argv: list[str]) -> tuple[int, list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--format", "json"], out, err)
    findings = json.loads(out.getvalue())["findings"] if out.getvalue() else []
    return code, findings, err.getvalue()


def found(findings: list[dict], prefix: str) -> dict[str, set[tuple[str, int]]]:
    result: dict[str, set[tuple[str, int]]] = {}
    for finding in findings:
        name = finding["file"].removeprefix(prefix)
        result.setdefault(name, set()).add((finding["rule"], finding["line"]))
    return result


def assert_reported(expected, reported, name):
    rules = {rule for rule, _ in reported.get(name, set())}
    for rule, line in expected:
        if line is None:
            assert rule in rules, (name, reported.get(name))
        else:
            assert (rule, line) in reported.get(name, set()), (name, reported.get(name))
    if not expected:
        assert not rules & INPUT_RULES, (name, reported[name])


def test_whole_hostile_corpus_in_one_run(tmp_path):
    """Done-when of issue 7: everything at once, bounded time and memory, exit 1."""
    expected = hostile.build(tmp_path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    code, findings, stderr = run([str(tmp_path)])
    elapsed = time.monotonic() - start
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert code == 1
    assert "Traceback" not in stderr
    assert elapsed < 20, elapsed
    assert grown_mib < 300, grown_mib
    reported = found(findings, str(tmp_path) + "/")
    for name, want in expected.items():
        assert_reported(want, reported, name)
    file, rule, line = hostile.GOOD_MISTAKE
    assert (rule, line) in reported[file]
    assert not any(f["rule"] == "internal-error" for f in findings)
    flagged = {name for name, found in reported.items() if {r for r, _ in found} & INPUT_RULES}
    assert flagged <= set(expected), flagged - set(expected)


CLASSES = sorted([*hostile.TEXT, *hostile.BINARY])


@pytest.mark.parametrize("name", CLASSES)
def test_each_class_alone_next_to_a_good_file(tmp_path, name):
    """One bad file beside the good ones: its finding, and the planted mistake still found."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "shop.yaml").write_text(hostile.GOOD)
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if name in hostile.TEXT:
        text, want = hostile.TEXT[name]
        target.write_text(text, encoding="utf-8")
    else:
        data, want = hostile.BINARY[name]
        target.write_bytes(data)
    code, findings, stderr = run([str(tmp_path)])
    assert code == 1 and not stderr
    reported = found(findings, str(tmp_path) + "/")
    assert_reported(want, reported, name)
    assert ("dangling-host", 16) in reported["good/shop.yaml"]


@pytest.mark.parametrize("depth", [10_000, 100_000])
def test_deep_nesting_does_not_crash_the_interpreter(tmp_path, depth):
    """libyaml's composer recurses in C: without the pre-scan this is a segfault, which no
    in-process test could survive, so it runs in a child process."""
    path = tmp_path / "deep.yaml"
    path.write_text("spec: " + "[" * depth + "]" * depth + "\n")
    child = subprocess.run(
        [sys.executable, "-m", "meshlint", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert child.returncode == 1, child.stderr
    [finding] = json.loads(child.stdout)["findings"]
    assert finding["rule"] == "yaml-limit" and finding["line"] == 1


def test_nesting_under_the_limit_still_parses():
    text = "spec: " + "[" * 300 + "]" * 300
    source = load_text("ok.yaml", text)
    assert not source.problems and source.documents


_GOOD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # Past libyaml 0.2.6's own limit (1,000 levels), whose scanner refuses a line of
        # brackets while looking ahead, before the parser reaches meshlint's limit.
        ("a: " + "[" * 10_000 + "]" * 10_000, (0, 403)),
        ("[" * 1_001 + "]" * 1_001, (0, 401)),  # short enough to skip the old composer guard
        (_GOOD + "---\n" + "[" * 1_001 + "]" * 1_001 + "\n---\n" + _GOOD, (4, 401)),
        ("- " * 300 + "[" * 800 + "]" * 800, (0, 701)),
        ("".join(" " * i + "k:\n" for i in range(1_200)), (401, 401)),  # block levels
    ],
)
def test_nesting_is_refused_at_meshlints_limit_whatever_libyamls_limit(text, where):
    """The same finding with PyYAML 6.0.3 (libyaml 0.2.5, no limit of its own) and 6.0.4
    (libyaml 0.2.6, which refuses 1,000 levels): where the 401st level starts."""
    source = load_text("deep.yaml", text)
    assert [(p.kind, (p.line, p.column)) for p in source.problems] == [(ProblemKind.LIMIT, where)]
    assert len(source.documents) == text.startswith(_GOOD)


def test_libyamls_own_nesting_refusal_is_a_limit_not_a_syntax_error(monkeypatch):
    """Should text reach the composer that libyaml refuses as too deep, it is a yaml-limit."""
    monkeypatch.setattr(yamlpos, "may_exceed", lambda text: False)
    source = load_text("deep.yaml", "a: " + "[" * 1_200 + "]" * 1_200)
    assert [p.kind for p in source.problems] == [ProblemKind.LIMIT]


def test_alias_bomb_is_refused_quickly_without_expanding():
    start = time.process_time()
    source = load_text("bomb.yaml", hostile.ALIAS_BOMB)
    assert time.process_time() - start < 1
    assert [p.kind for p in source.problems] == [ProblemKind.LIMIT]
    assert not source.documents


def test_limits_are_findings_and_can_be_raised(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text(
        "---\n".join(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\n" for i in range(5)
        )
    )
    code, findings, _ = run([str(path), "--max-documents", "3"])
    assert code == 1 and [f["rule"] for f in findings] == ["yaml-limit"]
    assert findings[0]["line"] == 13  # the fourth document
    assert run([str(path), "--max-documents", "5"])[:2] == (0, [])
    code, findings, _ = run([str(path), "--max-file-size", "100"])
    assert [f["rule"] for f in findings] == ["yaml-limit"]
    assert "raise --max-file-size" in findings[0]["message"]
    assert run([str(path), "--max-file-size", "1K"])[:2] == (0, [])
    code, findings, _ = run([str(path), "--max-nodes", "5"])
    assert {f["rule"] for f in findings} == {"yaml-limit"} and len(findings) == 5
    code, _, stderr = run([str(path), "--max-nodes", "0"])
    assert code == 2 and "--max-nodes" in stderr


def test_large_file_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NUL bytes
    source = load_file(str(path))
    assert [p.kind for p in source.problems] == [ProblemKind.LIMIT]
    source = load_file(str(path), Limits(max_file_size=60 * 1024 * 1024))
    assert [p.kind for p in source.problems] == [ProblemKind.DECODE]  # read, then refused


def test_a_large_dense_file_is_counted_before_it_is_composed():
    text = "[" + "a," * 600_000 + "a]"
    start = time.process_time()
    source = load_text("dense.yaml", text, Limits(max_nodes_per_document=100_000))
    assert time.process_time() - start < 5
    assert [p.kind for p in source.problems] == [ProblemKind.LIMIT]


def test_unreadable_file_when_reading_fails(tmp_path, monkeypatch):
    """Root can read a chmod 000 file, so the failure is injected: open() raises."""
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", refuse)
    source = load_file(str(path))
    assert [(p.kind, p.message) for p in source.problems] == [
        (ProblemKind.UNREADABLE, "cannot read: Permission denied")
    ]


def test_missing_path_and_directory_named_yaml(tmp_path):
    code, findings, _ = run([str(tmp_path / "missing.yaml")])
    assert code == 1 and [f["rule"] for f in findings] == ["unreadable-file"]
    (tmp_path / "x.yaml").mkdir()
    assert run([str(tmp_path / "x.yaml")])[:2] == (0, [])


def test_symlink_loop_between_directories_is_walked_once(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "shop.yaml").write_text(hostile.GOOD)
    os.symlink("..", tmp_path / "a" / "parent")
    code, findings, _ = run([str(tmp_path)])
    assert code == 1 and [f["rule"] for f in findings] == ["dangling-host"]


def test_stdin_is_bounded_too(monkeypatch):
    class Stdin:
        buffer = io.BytesIO(b"a: b\n" * 100)

    monkeypatch.setattr(sys, "stdin", Stdin)
    code, findings, _ = run(["-", "--max-file-size", "100"])
    assert code == 1 and [f["rule"] for f in findings] == ["yaml-limit"]


def test_tags_are_never_constructed(tmp_path):
    marker = tmp_path / "pwned"
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n"
        f"  a: !!python/object/apply:os.system ['touch {marker}']\n"
        "  b: !!python/name:os.system\n"
        "  c: !Ref SomeBucket\n"
    )
    source = load_text("tags.yaml", text)
    assert [p.kind for p in source.problems] == [ProblemKind.TAG] * 3
    data = source.documents[0].value["data"]
    assert data["b"] == "" and data["c"] == "SomeBucket"
    assert data["a"] == [f"touch {marker}"]
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    ["a: !!int\n", "a: !!int '-'\n", "a: !!bool maybe\n", "a: !!float\n", "a: !!int 0b\n"],
)
def test_malformed_typed_scalars_keep_their_text(text):
    """Found by probing the SafeConstructor: these raised IndexError/KeyError."""
    source = load_text("x.yaml", text)
    assert not source.problems and isinstance(source.documents[0].value["a"], str)


def test_merge_keys_overridden_explicitly_are_not_duplicates():
    text = "base: &b {name: x, port: 1}\nderived:\n  <<: *b\n  name: y\n  name: z\n"
    source = load_text("x.yaml", text)
    assert [(p.kind, p.line) for p in source.problems] == [(ProblemKind.DUPLICATE_KEY, 4)]
    assert source.documents[0].value["derived"] == {"name": "z", "port": 1}


def test_many_duplicates_are_capped_and_linear():
    text = "".join(f"k{i}: 1\n" for i in range(5_000)) + "k4999: 2\n" * 5_000
    start = time.process_time()
    source = load_text("dups.yaml", text)
    assert time.process_time() - start < 5
    assert len(source.problems) == Limits().max_problems_per_kind + 1
    assert "more duplicate-key problems" in source.problems[-1].message


def test_manifests_joined_without_a_separator_are_one_problem():
    """`cat a.yaml b.yaml`: one problem where the second manifest starts, not one per key."""
    one = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: '1'}\n"
    source = load_text("joined.yaml", one * 3)
    assert [(p.kind, p.line) for p in source.problems] == [
        (ProblemKind.DUPLICATE_KEY, 4),
        (ProblemKind.DUPLICATE_KEY, 8),
    ]
    assert "`---` document separator is probably missing before line 5" in (
        source.problems[0].message
    )


def test_lone_surrogates_in_text_are_a_decode_error():
    assert [p.kind for p in load_text("x.yaml", "a: \ud800\n").problems] == [ProblemKind.DECODE]


# -- internal errors ---------------------------------------------------------------------


def _broken_rule(fail_on: str):
    rule = find_rule("dangling-host")

    def check(mesh, options):
        for item in mesh.resources:
            if item.name == fail_on:
                raise ValueError("boom")
        yield from rule.check(mesh, options)

    return replace(rule, check=check)


def test_a_failing_rule_is_an_internal_error_naming_rule_and_resource(tmp_path, monkeypatch):
    (tmp_path / "shop.yaml").write_text(hostile.GOOD)
    broken = _broken_rule("reviews")
    monkeypatch.setattr(
        "meshlint.engine.project.enabled_rules",
        lambda *a, **k: (broken, find_rule("yaml-syntax")),
    )
    code, findings, stderr = run([str(tmp_path)])
    assert code == 2 and not stderr
    [finding] = findings
    assert finding["rule"] == "internal-error"
    assert "dangling-host" in finding["message"] and "Service shop/reviews" in finding["message"]
    assert finding["resource"]["name"] == "reviews" and finding["line"] == 1
    code, _, stderr = run([str(tmp_path), "--debug"])
    assert code == 2 and "Traceback" in stderr and "ValueError: boom" in stderr


def test_a_failing_mesh_build_still_reports_file_problems(monkeypatch):
    def explode(resources, sources, settings):
        if resources:
            raise KeyError("graph")
        from meshlint.facts.graph import Mesh

        return Mesh(resources, sources, settings)

    monkeypatch.setattr("meshlint.engine.analyse.build_mesh", explode)
    sources = [load_text("a.yaml", hostile.GOOD), load_text("b.yaml", "a: [\n")]
    report = analyse_sources(sources)
    assert {f.rule for f in report.findings} == {"internal-error", "yaml-syntax"}
    assert report.internal_errors == 1
