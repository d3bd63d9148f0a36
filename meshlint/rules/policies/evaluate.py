"""The policy template: one ``check`` that every policy file instantiates (kube-linter's
template and check split). It picks the resources the policy's ``match`` selects and reports
each part of its ``assert`` that one of them does not satisfy, at the field's own line.

The facts it asks: production (``facts/production.py``), which labels a selector picks
(``facts/selectors.py``), and the graph conditions (``facts/reachability.py``). CEL runs in
the engine of ``schemas/cel`` (each expression compiled once per process), a JSON Schema in
the validator of ``schemas/validate.py``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from meshlint.facts.memo import fact
from meshlint.facts.production import production_verdict
from meshlint.facts.reachability import (
    authorization_policies,
    gateways_matching,
    is_reachable,
    is_routed_to,
)
from meshlint.facts.selectors import selector_text, selects
from meshlint.findings import Finding
from meshlint.input.globs import glob_matcher
from meshlint.input.resources import Resource, field_path
from meshlint.rules.base import Rule, quoted_list, report
from meshlint.rules.policies.format import Conditions, GatewayCondition, Match, PolicySpec
from meshlint.schemas.cel.engine import EvalError, Unsupported, compiled
from meshlint.schemas.structural import plain_value
from meshlint.schemas.validate import value_problems

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = ["evaluate"]


def evaluate(
    spec: PolicySpec, rule: Rule, mesh: Mesh, options: Mapping[str, Any]
) -> Iterator[Finding]:
    """The findings of one policy on one mesh."""
    for resource in _of_kinds(mesh, spec.match.kinds):
        if _matches(mesh, spec.match, resource):
            yield from _check(mesh, spec, rule, resource)


@fact
def _by_kind(mesh: Mesh) -> dict[str, list[Resource]]:
    index: dict[str, list[Resource]] = defaultdict(list)
    for resource in mesh.resources:
        index[resource.kind].append(resource)
    return index


def _of_kinds(mesh: Mesh, kinds: tuple[str, ...]) -> list[Resource]:
    index = _by_kind(mesh)
    return [resource for kind in kinds for resource in index.get(kind, ())]


def _matches(mesh: Mesh, match: Match, resource: Resource) -> bool:
    if match.namespaces and (
        resource.namespace is None or not glob_matcher(match.namespaces)(resource.namespace)
    ):
        return False
    if match.labels and not selects(dict(match.labels), resource.labels):
        return False
    if match.production is not None:
        production, _ = production_verdict(resource, mesh.namespace_labels, mesh.settings)
        if production != match.production:
            return False
    return not _failures(mesh, match.conditions, resource)


def _failures(mesh: Mesh, conditions: Conditions, resource: Resource) -> list[str]:
    """What each graph condition that does not hold for ``resource`` says."""
    failed = []
    reach = conditions.reachable_from
    if reach is not None:
        gateways = gateways_matching(mesh, reach.selector, reach.names)
        if reach.expected and not is_reachable(mesh, resource, gateways):
            failed.append(f"no traffic entering through {_gateways(reach)} reaches it")
        elif not reach.expected and is_reachable(mesh, resource, gateways):
            failed.append(f"traffic entering through {_gateways(reach)} reaches it")
    routed = conditions.routed_to
    if routed is not None and is_routed_to(mesh, resource) != routed:
        failed.append(
            "no VirtualService routes to it" if routed else "a VirtualService routes to it"
        )
    wanted = conditions.has_authorization_policy
    if wanted is not None:
        policies = authorization_policies(mesh, resource)
        if wanted and not policies:
            failed.append("no AuthorizationPolicy selects its workloads")
        elif not wanted and policies:
            names = quoted_list((p.display for p in policies), quote=False)
            failed.append(f"an AuthorizationPolicy selects its workloads ({names})")
    return failed


def _gateways(reach: GatewayCondition) -> str:
    parts = []
    if reach.selector:
        parts.append(f"selector {selector_text(dict(reach.selector))}")
    if reach.names:
        parts.append(f"named {quoted_list(reach.names)}")
    return f"a Gateway with {' and '.join(parts)}" if parts else "any Gateway"


def _check(mesh: Mesh, spec: PolicySpec, rule: Rule, resource: Resource) -> Iterator[Finding]:
    assertion = spec.assertion
    targets = [((), resource.body)]
    if assertion.each:
        targets = [item for path in assertion.each for item in _items(resource.body, path)]
    for path, value in targets:
        if assertion.schema is not None:
            for problem in value_problems(resource, assertion.schema, path):
                yield _finding(spec, rule, resource, problem.path, problem.message, problem.at)
        if assertion.cel is not None:
            problem = _cel_problem(mesh, assertion.cel, resource, path, value)
            if problem:
                yield _finding(spec, rule, resource, (*path, *assertion.field), problem)
    for problem in _failures(mesh, assertion.conditions, resource):
        yield _finding(spec, rule, resource, assertion.field, problem)


@fact
def _object(mesh: Mesh, resource: Resource) -> object:
    """The resource as CEL sees it (plain dicts and lists, string keys), made once."""
    return plain_value(resource.body)


def _cel_problem(
    mesh: Mesh, expression: str, resource: Resource, path: tuple[object, ...], value: object
) -> str | None:
    program = compiled(expression, "policy")
    if isinstance(program, Unsupported):  # the loader refused it; never here in practice
        return f"the CEL expression cannot be evaluated: {program.reason}"
    # The whole object is converted (once per resource) only when the expression reads it or
    # is about it; an expression over the items of ``each`` reads only its item.
    whole = _object(mesh, resource) if not path or "object" in expression else None
    item = whole if not path else plain_value(value)
    verdict = program.evaluate({"object": whole, "self": item})
    if verdict is True:
        return None
    if isinstance(verdict, EvalError):
        return f"evaluating the CEL expression failed: {verdict.message}"
    return f"the CEL expression `{expression.strip()}` is false"


def _items(root: object, steps: tuple[object, ...]) -> list[tuple[tuple[object, ...], object]]:
    """Every ``(path, value)`` that a path with ``*`` steps reaches inside ``root``."""
    found: list[tuple[tuple[object, ...], object]] = [((), root)]
    for step in steps:
        reached = []
        for path, node in found:
            if step == "*":
                if isinstance(node, list):
                    reached += [((*path, i), item) for i, item in enumerate(node)]
                elif isinstance(node, dict):
                    reached += [((*path, k), item) for k, item in node.items()]
            elif _has(node, step):
                reached.append(((*path, step), node[step]))  # type: ignore[index]
        found = reached
    return found


def _has(node: object, step: object) -> bool:
    if isinstance(node, dict):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)


def _walk(root: object, path: tuple[object, ...]) -> object:
    found = _items(root, path)
    return found[0][1] if found else None


def _shown(value: object) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _finding(
    spec: PolicySpec,
    rule: Rule,
    resource: Resource,
    path: tuple[object, ...],
    problem: str,
    at: tuple[int, int] | None = None,
) -> Finding:
    values = {
        "kind": resource.kind,
        "namespace": resource.namespace or "",
        "name": resource.name,
        "apiVersion": resource.api_version,
        "resource": resource.display,
        "path": field_path(path) or "the resource",
        "value": _shown(_walk(resource.body, path)),
        "problem": problem,
    }
    # A finding about the whole resource points at its name, not at the document's first line.
    where = path or ("metadata", "name")
    return report(rule, resource, where, spec.message.format_map(values), at=at)
