"""What the rules of CRD validation rules and list types share: each picks its kind of
problem from ``meshlint.schemas.structural`` (computed once per mesh) and words it.

Where a structural rule of this family already reports a CEL rule's failure with a more
specific message and fix, the CEL finding is left to it (``LEFT_TO_STRUCTURAL``), so each
problem is one finding; tests/test_cel_rules.py checks that the structural rule does report
every breaking value of those CEL rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding
from meshlint.input.resources import Resource, field_path
from meshlint.rules.base import Rule, report
from meshlint.schemas.structural import Kind, RuleProblem, mesh_rule_problems

__all__ = [
    "LEFT_TO_STRUCTURAL",
    "describe_value",
    "left_to_structural",
    "problem_findings",
    "where",
]

# (CEL expression, kind) -> the structural rule that reports the same rejection, with its
# own wording and fix, at the same field.
_DURATION = "duration(self) >= duration('1ms')"
_PORT = "0 < self && self <= 65535"
LEFT_TO_STRUCTURAL: dict[tuple[str, str], str] = {
    # invalid-duration (ML520) also says what Istio's webhook adds (whole milliseconds).
    **{
        (_DURATION, kind): "invalid-duration"
        for kind in ("VirtualService", "DestinationRule", "Sidecar", "RequestAuthentication")
    },
    (_DURATION, "Telemetry"): "invalid-duration",
    # port-out-of-range (ML521) checks every port field the same way.
    **{(_PORT, kind): "port-out-of-range" for kind in ("ServiceEntry", "WorkloadEntry")},
    (_PORT, "WorkloadGroup"): "port-out-of-range",
    # invalid-host (ML530) explains what a ServiceEntry host may be.
    ('self != "*"', "ServiceEntry"): "invalid-host",
}


def left_to_structural(resource: Resource, problem: RuleProblem) -> str | None:
    """The structural rule that reports this problem itself, if any."""
    if problem.kind is not Kind.RULE_FAILED:
        return None
    return LEFT_TO_STRUCTURAL.get((problem.rule, resource.kind))


def problem_findings(rule: Rule, mesh: Mesh, kind: Kind, word) -> Iterator[Finding]:
    """The findings of ``rule``: problems of ``kind``, worded by ``word(resource, problem)``."""
    for resource, problem in mesh_rule_problems(mesh):
        if problem.kind is not kind or left_to_structural(resource, problem):
            continue
        yield report(rule, resource, problem.path, word(resource, problem))


def describe_value(value: object) -> str:
    """A short account of the value found: the scalar itself, or a mapping's fields."""
    if isinstance(value, dict):
        if not value:
            return "is empty"
        names = ", ".join(str(k) for k in list(value)[:6])
        return f"sets {names}" + (", ..." if len(value) > 6 else "")
    if isinstance(value, list):
        return f"has {len(value)} item{'s' if len(value) != 1 else ''}"
    text = json.dumps(value, default=str)
    return f"is {text if len(text) <= 60 else text[:57] + '...'}"


def where(problem: RuleProblem) -> str:
    return field_path(problem.path) or "the resource"
