"""What the schema rules share: each reports its own kind of schema problem (``RULE.problem``).

Validation runs once per mesh (``meshlint.schemas.validate.schema_problems``); each rule of
the family picks its problems from that list, so selecting one schema rule does not
validate twice, and ignoring them all (``--ignore ML50``) validates nothing. They declare
no kinds (they run on every mesh): a user schema (``--schemas``) may cover any kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, FixSafety
from meshlint.rules.base import Edit, Rule, fix_for, report
from meshlint.schemas.store import builtin_index
from meshlint.schemas.validate import SchemaProblemKind, schema_problems

__all__ = ["ANY_KIND", "ISTIO_KINDS", "LEFT_TO_STRUCTURAL", "schema_findings", "shipped_kinds"]

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


@lru_cache(maxsize=1)
def shipped_kinds() -> tuple[tuple[str, str, str], ...]:
    """``(group, version, kind)`` of every shipped schema, kinds spelt as in ISTIO_KINDS (a
    test keeps the two in step): the Istio API as far as meshlint knows it."""
    spelling = {kind.lower(): kind for kind in ISTIO_KINDS}
    return tuple(
        sorted(
            (group, version, spelling[name])
            for group, version, name in builtin_index()
            if name in spelling
        )
    )


# The kind of an entry below that holds for every kind (user schemas' kinds included).
ANY_KIND = "*"

# Fields a structural rule checks with a more specific message; the schema family leaves them
# to it, so each problem is one finding. (kind of schema problem, resource kind or ANY_KIND,
# field path with [] for indexes).
LEFT_TO_STRUCTURAL = frozenset(
    {
        # invalid-metadata (ML008) checks metadata on every kind, schema or none.
        (SchemaProblemKind.TYPE, ANY_KIND, "metadata"),
        # percentage-out-of-range (ML533) also explains fractions and per-mille slips.
        (SchemaProblemKind.RANGE, "Telemetry", "spec.tracing[].randomSamplingPercentage"),
        # port-out-of-range (ML521) checks every port field the same way.
        (SchemaProblemKind.RANGE, "WasmPlugin", "spec.match[].ports[].number"),
        # invalid-delegate (ML527) says delegation only exists in http routes.
        (SchemaProblemKind.UNKNOWN_FIELD, "VirtualService", "spec.tcp[].delegate"),
        (SchemaProblemKind.UNKNOWN_FIELD, "VirtualService", "spec.tls[].delegate"),
        # route-destination-missing: a route or mirror without a destination host (these
        # objects require nothing else, so no other missing field is hidden).
        *(
            (SchemaProblemKind.REQUIRED, "VirtualService", path)
            for section in ("http", "tcp", "tls")
            for path in (f"spec.{section}[].route[]", f"spec.{section}[].route[].destination")
        ),
        (SchemaProblemKind.REQUIRED, "VirtualService", "spec.http[].mirror"),
        (SchemaProblemKind.REQUIRED, "VirtualService", "spec.http[].mirrors[]"),
        (SchemaProblemKind.REQUIRED, "VirtualService", "spec.http[].mirrors[].destination"),
    }
)


def _generic_path(path: tuple[object, ...]) -> str:
    """``("spec", "http", 0, "route")`` -> ``"spec.http[].route"``."""
    return "".join("[]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".")


def schema_findings(rule: Rule, mesh: Mesh) -> Iterator[Finding]:
    """The schema problems of the kind ``rule.problem``, as findings of ``rule``."""
    for resource, problem in schema_problems(mesh):
        if problem.kind is not rule.problem:
            continue
        path = _generic_path(problem.path)
        left = ((problem.kind, kind, path) for kind in (resource.kind, ANY_KIND))
        if any(entry in LEFT_TO_STRUCTURAL for entry in left):
            continue
        repair = None
        if problem.repair is not None and rule.fix is not FixSafety.NONE:
            op, value = problem.repair
            edit = (
                Edit("rename", problem.path, key=str(value))
                if op == "rename"
                else Edit("set", problem.path, value)
            )
            title = f"write {value!r}"
            repair = fix_for(resource, title, edit, safe=rule.fix is FixSafety.SAFE)
        yield report(rule, resource, problem.path, problem.message, at=problem.at, fix=repair)
