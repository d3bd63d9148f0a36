"""A hand-made report for the reporter tests: findings whose messages and file names carry
the characters each format must escape, a related location and a suppressed finding."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from meshlint.engine.report import Report
from meshlint.findings import Finding, Location, Severity, Suppression
from meshlint.input.resources import ResourceRef
from meshlint.rules import find_rule, select_rules

SNAPSHOTS = Path(__file__).parent / "snapshots"
# The shared reference data lives next to the repository: <repo>/../shared.
SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "sarif" / "sarif-schema-2.1.0.json"
_URI = re.compile(r"(file://)?[A-Za-z0-9._~/%-]+")  # percent-encoded, no spaces or colons


def validate_sarif(document: dict) -> None:
    """Validate against the SARIF 2.1.0 schema in ``<repo>/../shared``; skip without it."""
    jsonschema = pytest.importorskip("jsonschema")
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    # The schema's "uri" format is only checked with optional packages: check it here.
    for uri in re.findall(r'"uri": ("[^"]*")', json.dumps(document)):
        assert _URI.fullmatch(json.loads(uri)), uri


VS = ResourceRef("networking.istio.io/v1", "VirtualService", "shop", "reviews")


def _finding(rule: str, severity: Severity, where: str, message: str, field: str, **more):
    """A finding of ``rule`` (a name) on the VirtualService at ``where`` (file:line:col)."""
    file, line, column = where.rsplit(":", 2)
    code = find_rule(rule).code
    return Finding(code, rule, severity, message, file, int(line), int(column), VS, field, **more)


def sample_report() -> Report:
    subset = _finding(
        "dangling-subset",
        Severity.ERROR,
        "manifests/shop/vs.yaml:12:17",
        "subset 'v3' is not defined: 100% of traffic fails,\nfix the name",
        "spec.http[0].route[0].destination.subset",
        refs=("IST0101", "KIA1107"),
        related=(
            Location("manifests/shop/dr.yaml", 9, 3, "subsets of DestinationRule shop/reviews"),
        ),
    )
    weights = _finding(
        "weight-sum",
        Severity.WARNING,  # not the rule's default: reporters use the finding's severity
        "manifests/odd,name:1.yaml:3:5",
        'weights <90> & <20> sum to "110"\r\n::error::not a command\x1b',
        "spec.http[0].route",
    )
    legacy = _finding(
        "gateway-legacy-reference",
        Severity.INFO,
        "manifests/shop/vs.yaml:8:5",
        "gateway 'public.edge' uses the legacy form; write 'edge/public'",
        "spec.gateways[0]",
    )
    host = _finding(
        "dangling-host",
        Severity.ERROR,
        "manifests/shop/vs.yaml:11:15",
        "destination host 'ratings' is not defined by any Service or ServiceEntry",
        "spec.http[0].route[0].destination.host",
    )
    rules = select_rules(["dangling-host", "dangling-subset", "gateway-legacy-reference", "ML2"])
    return Report(
        findings=sorted([subset, weights, legacy], key=lambda f: f.sort_key),
        sources=[],
        resources=2,
        skipped_documents=0,
        rules=rules,
        suppressed=[(host, Suppression("inSource", "# meshlint: disable=dangling-host"))],
    )


def empty_report() -> Report:
    return Report(findings=[], sources=[], resources=0, skipped_documents=0, rules=())


def assert_snapshot(name: str, text: str) -> None:
    """Compare with ``tests/snapshots/<name>``; MESHLINT_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("MESHLINT_UPDATE_SNAPSHOTS") == "1":
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    with open(path, encoding="utf-8", newline="") as handle:
        assert handle.read() == text, f"snapshot {name} differs"
