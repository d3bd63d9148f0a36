"""The machine formats on a hand-made report: snapshots for github, junit and statistics,
the escaping each format needs, and SARIF checked against the official 2.1.0 schema."""

import io
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from reporting import assert_snapshot, empty_report, sample_report, validate_sarif

from meshlint.findings import Severity
from meshlint.outputs import FORMATS, github, junit, renderer, sarif, statistics


def rendered(render, report) -> str:
    stream = io.StringIO()
    render(report, stream, False)
    return stream.getvalue()


# github


def test_github_snapshot():
    assert_snapshot("sample.github", rendered(github.render, sample_report()))


def test_github_escapes_data_and_properties():
    assert github.escape_data("100%\r\n: ,") == "100%25%0D%0A: ,"
    assert github.escape_property("100%\r\n: ,") == "100%25%0D%0A%3A %2C"


def test_github_writes_one_command_per_finding_that_no_message_can_break():
    # A command starts a line; with CR and LF escaped a message cannot start another one.
    lines = rendered(github.render, sample_report()).splitlines()
    assert len(lines) == 3
    assert [line.split(" ", 1)[0] for line in lines] == ["::warning", "::notice", "::error"]
    odd = lines[0]
    assert odd.startswith("::warning file=manifests/odd%2Cname%3A1.yaml,line=3,col=5,title=")
    properties, message = odd.removeprefix("::warning ").split("::", 1)
    assert "," not in properties.split(",title=")[1], "a comma in a property must be escaped"
    assert message.startswith('weights <90> & <20> sum to "110"%0D%0A::error::')


def test_github_clean_run_writes_nothing():
    assert rendered(github.render, empty_report()) == ""


# junit


def test_junit_snapshot():
    assert_snapshot("sample.junit.xml", rendered(junit.render, sample_report()))


def test_junit_is_valid_xml_that_keeps_the_text():
    root = ET.fromstring(rendered(junit.render, sample_report()).encode())
    suite = root.find("testsuite")
    assert suite.attrib["tests"] == "4"
    assert suite.attrib["failures"] == "3"
    assert suite.attrib["skipped"] == "1"
    failures = {
        case.attrib["name"]: case.find("failure")
        for case in suite.iter("testcase")
        if case.find("failure") is not None
    }
    subset = failures["ML102 dangling-subset at manifests/shop/vs.yaml:12:17"]
    assert (
        subset.attrib["message"]
        == "subset 'v3' is not defined: 100% of traffic fails,\nfix the name"
    )
    assert "manifests/shop/dr.yaml:9:3: subsets of DestinationRule shop/reviews" in subset.text
    weights = failures["ML201 weight-sum at manifests/odd,name:1.yaml:3:5"]
    assert weights.attrib["message"].startswith('weights <90> & <20> sum to "110"')
    assert "\x1b" not in weights.attrib["message"], "XML 1.0 cannot carry control characters"
    skipped = [case for case in suite.iter("testcase") if case.find("skipped") is not None]
    assert [case.attrib["line"] for case in skipped] == ["11"]


def test_junit_clean_run_is_one_passing_case():
    root = ET.fromstring(rendered(junit.render, empty_report()))
    cases = list(root.iter("testcase"))
    assert len(cases) == 1
    assert list(cases[0]) == []
    assert root.attrib["failures"] == "0"


# sarif


def test_sarif_validates_against_the_official_schema():
    validate_sarif(sarif.to_sarif(sample_report()))


def test_sarif_clean_run_validates_too():
    document = sarif.to_sarif(empty_report())
    validate_sarif(document)
    assert document["runs"][0]["results"] == []


def test_sarif_results_point_at_rules_regions_and_related_locations():
    run = sarif.to_sarif(sample_report())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    subset = next(r for r in results if r["ruleId"] == "ML102")
    location = subset["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "manifests/shop/vs.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 12, "startColumn": 17}
    assert subset["level"] == "error"
    (related,) = subset["relatedLocations"]
    assert related["physicalLocation"]["region"] == {"startLine": 9, "startColumn": 3}
    assert related["message"]["text"] == "subsets of DestinationRule shop/reviews"
    odd = next(r for r in results if r["ruleId"] == "ML201")
    assert odd["level"] == "warning"
    uri = odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "manifests/odd%2Cname%3A1.yaml"
    info = next(r for r in results if r["ruleId"] == "ML104")
    assert info["level"] == "note"


def test_sarif_rules_carry_their_documentation():
    rules = {
        r["name"]: r for r in sarif.to_sarif(sample_report())["runs"][0]["tool"]["driver"]["rules"]
    }
    rule = rules["dangling-subset"]
    assert rule["id"] == "ML102"
    assert rule["shortDescription"]["text"]
    assert len(rule["fullDescription"]["text"]) > 80
    assert "## Example" in rule["help"]["markdown"]
    assert "```yaml" in rule["help"]["markdown"]
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rule["properties"]["refs"] == ["IST0101", "KIA1107"]
    assert "KIA1107" in rule["properties"]["tags"]


def test_sarif_records_suppressed_findings_in_suppressions():
    results = sarif.to_sarif(sample_report())["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["ML101"]
    assert suppressed[0]["suppressions"] == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "# meshlint: disable=dangling-host",
        }
    ]


def test_sarif_fingerprints_are_unique_and_survive_line_shifts():
    report = sample_report()
    prints = [r["partialFingerprints"] for r in sarif.to_sarif(report)["runs"][0]["results"]]
    assert len({p[sarif.FINGERPRINT_KEY] for p in prints}) == len(prints)
    shifted = replace(report, findings=[replace(f, line=f.line + 7) for f in report.findings])
    shifted_prints = [
        r["partialFingerprints"] for r in sarif.to_sarif(shifted)["runs"][0]["results"]
    ]
    assert shifted_prints == prints
    twice = replace(report, findings=[report.findings[0], replace(report.findings[0], line=40)])
    keys = [
        r["partialFingerprints"][sarif.FINGERPRINT_KEY]
        for r in sarif.to_sarif(twice)["runs"][0]["results"]
    ]
    assert len(set(keys)) == 3  # the repeat is numbered, the suppressed one differs


def test_sarif_paths_outside_the_working_directory_and_stdin(tmp_path, monkeypatch):
    work = tmp_path / "repo"
    work.mkdir()
    monkeypatch.chdir(work)
    outside = tmp_path / "other dir" / "vs.yaml"
    report = sample_report()
    report = replace(
        report,
        findings=[
            replace(report.findings[0], file=str(outside)),
            replace(report.findings[1], file="<stdin>"),
            replace(report.findings[2], file=str(work / "sub" / "vs.yaml")),
        ],
    )
    document = sarif.to_sarif(report)
    validate_sarif(document)
    run = document["runs"][0]
    artifacts = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert artifacts[0] == {"uri": outside.as_uri()}
    assert "%20" in artifacts[0]["uri"]
    assert artifacts[1] == {"uri": "%3Cstdin%3E"}
    assert artifacts[2] == {"uri": "sub/vs.yaml", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == work.as_uri() + "/"


# statistics and the interface


def test_statistics_snapshot():
    report = sample_report()
    report = replace(report, findings=[*report.findings, replace(report.findings[0], line=30)])
    assert_snapshot("sample.statistics", rendered(statistics.render, report))


def test_statistics_of_a_clean_run_are_empty():
    assert rendered(statistics.render, empty_report()) == ""


@pytest.mark.parametrize("name", [n for n in FORMATS if n != "text"])
def test_machine_formats_never_carry_colour(name):
    stream = io.StringIO()
    renderer(name)(sample_report(), stream, True)
    assert "\x1b[" not in stream.getvalue()


def test_severity_levels_map_to_each_format():
    assert sarif._LEVEL == {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.INFO: "note",
    }
