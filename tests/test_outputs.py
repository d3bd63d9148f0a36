"""Several formats in one run, the --format/--output pairing rule, --statistics and the
progress bar, through ``main(argv, stdout, stderr)`` in-process."""

import io
import json
import xml.etree.ElementTree as ET

import pytest
from reporting import validate_sarif

from meshlint.cli.main import main
from meshlint.input.loader import load_paths
from meshlint.outputs.progress import LoadProgress
from meshlint.rules import find_rule


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def manifests(tmp_path, monkeypatch):
    """A directory with two findings (a dangling subset and its missing host); cwd is it."""
    # a Service of the namespace shows the files manage its Services, so the host is missing
    service = "---\napiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: shop}\n"
    (tmp_path / "vs.yaml").write_text(find_rule("dangling-subset").examples["bad"] + service)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(*argv, stdout=None, stderr=None):
    stdout = stdout if stdout is not None else io.StringIO()
    stderr = stderr if stderr is not None else io.StringIO()
    code = main(["--select", "dangling-subset,dangling-host", *argv], stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_sarif_to_a_file_and_text_to_stdout_in_one_run(manifests):
    code, out, err = run(".", "--format", "sarif", "--output", "meshlint.sarif", "--format", "text")
    assert code == 1
    assert "vs.yaml:12:17 error ML102 dangling-subset" in out
    assert "Found 2 problems" in out
    document = json.loads((manifests / "meshlint.sarif").read_text(encoding="utf-8"))
    validate_sarif(document)
    results = document["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == ["ML101", "ML102"]
    assert err == ""


def test_two_files_and_nothing_on_stdout(manifests):
    code, out, _ = run(
        ".", "--format", "json", "--output", "a.json", "--format", "junit", "--output", "b.xml"
    )
    assert code == 1
    assert out == ""
    assert len(json.loads((manifests / "a.json").read_text())["findings"]) == 2
    root = ET.parse(manifests / "b.xml").getroot()
    assert root.attrib["failures"] == "2"


def test_output_dash_is_stdout(manifests):
    _, out, _ = run(
        ".", "--format", "github", "--output", "-", "--format", "sarif", "--output", "x.sarif"
    )
    assert out.startswith("::error file=vs.yaml,line=")
    assert (manifests / "x.sarif").is_file()


def test_default_is_text_on_stdout(manifests):
    _, out, _ = run(".")
    assert "ML102 dangling-subset" in out


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--output", "a.sarif"], "must follow the --format"),
        (["--output", "a.sarif", "--format", "sarif"], "must follow the --format"),
        (["--format", "sarif", "--output", "a", "--output", "b"], "two --output files"),
        (["--format", "json", "--format", "text"], "standard output"),
        (["--format", "json", "--output", "-", "--format", "text"], "standard output"),
        (
            ["--format", "json", "--output", "a", "--format", "sarif", "--output", "./a"],
            "named for both",
        ),
        (["--format", "yaml"], "invalid choice"),
    ],
)
def test_ambiguous_outputs_are_rejected_with_exit_2(manifests, argv, complaint):
    code, out, err = run(".", *argv)
    assert code == 2
    assert complaint in err
    assert out == ""
    assert sorted(p.name for p in manifests.iterdir()) == ["vs.yaml"], "nothing is written"


def test_unwritable_output_is_exit_2(manifests):
    code, _, err = run(".", "--format", "sarif", "--output", "missing/dir/x.sarif")
    assert code == 2
    assert "cannot write missing/dir/x.sarif" in err


def test_statistics_follow_the_text_report(manifests):
    _, out, err = run(".", "--statistics")
    lines = out.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("Found 2 problems"))
    assert [line.split() for line in lines[summary + 1 :]] == [
        ["ML101", "dangling-host", "1"],
        ["ML102", "dangling-subset", "1"],
    ]
    assert err == ""


def test_statistics_go_to_stderr_when_stdout_is_a_machine_format(manifests):
    _, out, err = run(".", "--format", "json", "--statistics")
    json.loads(out)  # nothing but the JSON document on stdout
    assert err.split() == ["ML101", "dangling-host", "1", "ML102", "dangling-subset", "1"]


def test_statistics_go_to_stdout_when_every_format_goes_to_a_file(manifests):
    _, out, err = run(".", "--format", "sarif", "--output", "x.sarif", "--statistics")
    assert out.split() == ["ML101", "dangling-host", "1", "ML102", "dangling-subset", "1"]
    assert err == ""


def test_only_text_on_a_terminal_is_coloured(manifests):
    _, coloured, _ = run(".", stdout=FakeTerminal())
    assert "\x1b[" in coloured
    for name in ("json", "sarif", "github", "junit"):
        _, out, _ = run(".", "--format", name, stdout=FakeTerminal())
        assert "\x1b[" not in out, name
    run(".", "--format", "text", "--output", "t.txt", stdout=FakeTerminal())
    assert "\x1b[" not in (manifests / "t.txt").read_text()


# progress


def test_loader_reports_progress_through_the_callback(tmp_path):
    for index in range(3):
        (tmp_path / f"{index}.yaml").write_text("a: 1\n")
    calls = []
    load_paths([str(tmp_path)], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_progress_bar_on_a_terminal_for_many_files():
    stream = FakeTerminal()
    with LoadProgress(stream, threshold=2) as progress:
        for done in range(1, 6):
            progress(done, 5)
    assert "loading manifests" in stream.getvalue()


@pytest.mark.parametrize(("stream", "total"), [(io.StringIO(), 1000), (FakeTerminal(), 300)])
def test_no_progress_bar_off_a_terminal_or_for_few_files(stream, total):
    with LoadProgress(stream) as progress:
        for done in range(1, total + 1):
            progress(done, total)
    assert stream.getvalue() == ""


def test_a_run_prints_nothing_on_captured_stderr(manifests):
    for index in range(320):
        (manifests / f"n{index}.yaml").write_text("a: 1\n")
    _, _, err = run(".")
    assert err == ""
