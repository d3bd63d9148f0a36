"""What the schema rules share: each reports its own kind of schema problem.

Validation runs once per mesh (``meshlint.schemas.validate.schema_problems``); each rule of
the family picks its problems from that list, so selecting one schema rule does not
validate twice, and ignoring them all (``--ignore ML50``) validates nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding
from meshlint.graph import Mesh
from meshlint.rules.base import Rule, report
from meshlint.schemas.validate import schema_problems

__all__ = ["ISTIO_KINDS", "schema_findings"]

ISTIO_KINDS = (
    "VirtualService",
    "DestinationRule",
    "Gateway",
    "ServiceEntry",
    "Sidecar",
    "WorkloadEntry",
    "WorkloadGroup",
    "EnvoyFilter",
    "ProxyConfig",
    "AuthorizationPolicy",
    "PeerAuthentication",
    "RequestAuthentication",
    "Telemetry",
    "WasmPlugin",
    "TrafficExtension",
)


def schema_findings(rule: Rule, mesh: Mesh) -> Iterator[Finding]:
    for resource, problem in schema_problems(mesh):
        if problem.rule == rule.name:
            yield report(rule, resource, problem.path, problem.message, at=problem.at)
