"""What the API server checks beyond JSON Schema: CRD validation rules (CEL) and list types.

For a custom resource the API server prunes unknown fields, validates the OpenAPI schema, and
then evaluates every ``x-kubernetes-validations`` rule of every schema node whose field is
present, with ``self`` bound to the field's (pruned) value, and checks the list types:
``x-kubernetes-list-type: set`` refuses duplicate items, ``map`` refuses two items with the
same ``x-kubernetes-list-map-keys``. This module does the same offline, from the rules the
schema converter keeps (k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go
and schema/listtype/validation.go are the model).

Differences, all on purpose: a field whose value has the wrong type is left to the schema
rules (the API server would not run the rules of that object at all); transition rules (those
that read ``oldSelf``) only apply to an update and are skipped, as on a create; there is no
cost budget (Istio's rules are cheap, and the API server has checked the budget when it
accepted the CRD).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from meshlint.facts.memo import fact
from meshlint.input.resources import Resource
from meshlint.schemas.cel.engine import Compiled, EvalError, Unsupported, compiled
from meshlint.schemas.convert import VALIDATIONS
from meshlint.schemas.store import find_schema

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = [
    "Kind",
    "RuleProblem",
    "cel_value",
    "is_transition_rule",
    "mesh_rule_problems",
    "resource_rule_problems",
    "structural_problems",
]


class Kind(Enum):
    """What a problem is; each is reported by one rule of the schema family."""

    RULE_FAILED = "rule-failed"  # the rule is false, or evaluating it failed
    RULE_NOT_EVALUATED = "rule-not-evaluated"  # meshlint cannot compile the rule
    DUPLICATE_ITEM = "duplicate-item"  # x-kubernetes-list-type: set or map


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One problem: its kind, the field's path, the message, the rule (a CEL expression or
    the list type) and the value found there."""

    kind: Kind
    path: tuple[object, ...]
    message: str
    rule: str
    value: object = None


_OLD_SELF = re.compile(r"\boldSelf\b")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_FIELD_STEP = re.compile(r"\.([A-Za-z_$][\w$-]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*(\d+)\s*\]")


def is_transition_rule(expression: str) -> bool:
    """Does the rule read ``oldSelf`` (outside string literals)?"""
    return bool(_OLD_SELF.search(_STRING.sub("''", expression)))


@dataclass(frozen=True, slots=True)
class _Rule:
    program: Compiled | Unsupported
    message: str
    message_expression: Compiled | Unsupported | None
    field_path: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    """The part of a schema node that has rules or list types below it."""

    node: dict
    types: tuple[type, ...] | None  # the Python types the field's value may have; None: any
    rules: tuple[_Rule, ...]
    list_type: str | None
    map_keys: tuple[str, ...]
    properties: dict[str, _Plan]
    items: _Plan | None
    additional: _Plan | None


@fact
def mesh_rule_problems(mesh: Mesh) -> list[tuple[Resource, RuleProblem]]:
    """Every rule and list-type problem of the mesh's resources, computed once per mesh."""
    user_dir = getattr(mesh.settings, "schemas_dir", None)
    return [
        (resource, problem)
        for resource in mesh.resources
        for problem in resource_rule_problems(resource, user_dir)
    ]


def resource_rule_problems(resource: Resource, user_dir: str | None = None) -> list[RuleProblem]:
    """The rule and list-type problems of one resource; none when its kind has no schema."""
    found = find_schema(resource.group, resource.version, resource.kind, user_dir)
    if found is None or not isinstance(resource.body, dict):
        return []
    return structural_problems(found[1], resource.body)


def structural_problems(schema: dict, body: dict) -> list[RuleProblem]:
    """Every rule and list-type problem of a resource ``body`` with ``schema``."""
    plan = _plan_of(schema)
    return list(_walk(plan, body, ())) if plan is not None else []


# Plans by schema identity; the schema is kept beside its plan, so the id stays its own.
_PLANS: dict[int, tuple[dict, _Plan | None]] = {}


def _plan_of(schema: dict) -> _Plan | None:
    known = _PLANS.get(id(schema))
    if known is None or known[0] is not schema:
        known = _PLANS[id(schema)] = (schema, _plan(schema))
    return known[1]


def _plan(node: dict) -> _Plan | None:
    properties = {}
    for name, child in (node.get("properties") or {}).items():
        if isinstance(child, dict) and (sub := _plan(child)) is not None:
            properties[name] = sub
    items = _plan(node["items"]) if isinstance(node.get("items"), dict) else None
    extra = node.get("additionalProperties")
    additional = _plan(extra) if isinstance(extra, dict) else None
    rules = tuple(_rule(r) for r in node.get(VALIDATIONS) or () if not _skipped(r))
    list_type = node.get("x-kubernetes-list-type")
    list_type = list_type if list_type in ("set", "map") else None
    keys = tuple(k for k in node.get("x-kubernetes-list-map-keys") or () if isinstance(k, str))
    if not (rules or list_type or properties or items or additional):
        return None
    return _Plan(node, _types(node), rules, list_type, keys, properties, items, additional)


def _skipped(rule: dict) -> bool:
    return is_transition_rule(rule["rule"])


def _rule(rule: dict) -> _Rule:
    expression = rule.get("messageExpression")
    return _Rule(
        compiled(rule["rule"]),
        str(rule.get("message") or f"failed rule: {rule['rule'].strip()}"),
        compiled(expression) if isinstance(expression, str) and expression.strip() else None,
        _field_path(rule.get("fieldPath")),
    )


def _field_path(text: object) -> tuple[object, ...]:
    """``.spec.ports['http']`` -> ``("spec", "ports", "http")``; unreadable -> ()."""
    if not isinstance(text, str):
        return ()
    steps: list[object] = []
    position = 0
    while position < len(text):
        match = _FIELD_STEP.match(text, position)
        if match is None:
            return ()
        name, quoted, index = match.groups()
        steps.append(name if name is not None else quoted if quoted is not None else int(index))
        position = match.end()
    return tuple(steps)


_TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
}


def _types(node: dict) -> tuple[type, ...] | None:
    declared = node.get("type")
    if declared is None:
        return None
    found: list[type] = []
    for name in declared if isinstance(declared, list) else (declared,):
        found.extend(_TYPES.get(name, (type(None),) if name == "null" else ()))
    return tuple(dict.fromkeys(found))


def _conforms(types: tuple[type, ...] | None, value: object) -> bool:
    if types is None:
        return True
    if value.__class__ is bool:  # a bool is an int to Python, not to JSON Schema
        return bool in types
    return isinstance(value, types)


def _walk(plan: _Plan, value: object, path: tuple) -> Iterator[RuleProblem]:
    if value is None or not _conforms(plan.types, value):
        return  # null skips validation; a wrong type is the schema rules' finding
    if plan.rules:
        yield from _evaluate(plan, value, path)
    if isinstance(value, dict):
        for name, child in plan.properties.items():
            if name in value:
                yield from _walk(child, value[name], (*path, name))
        if plan.additional is not None:
            for key, item in value.items():
                if _json_key(key) not in plan.properties:
                    yield from _walk(plan.additional, item, (*path, key))
    elif isinstance(value, list):
        if plan.list_type is not None:
            yield from _duplicates(plan, value, path)
        if plan.items is not None:
            for index, item in enumerate(value):
                yield from _walk(plan.items, item, (*path, index))


def _evaluate(plan: _Plan, value: object, path: tuple) -> Iterator[RuleProblem]:
    variables = {"self": cel_value(plan.node, value)}
    for rule in plan.rules:
        program = rule.program
        if isinstance(program, Unsupported):
            yield RuleProblem(
                Kind.RULE_NOT_EVALUATED,
                path,
                f"meshlint cannot evaluate the validation rule {_quote(program.expression)} "
                f"({program.reason}); the API server will, so check this field by hand",
                program.expression,
            )
            continue
        verdict = program.evaluate(variables)
        if verdict is True:
            continue
        where = (*path, *rule.field_path)
        if isinstance(verdict, EvalError):
            message = f"{rule.message} (the rule fails on it: {verdict.message})"
        else:
            message = _message(rule, variables)
        yield RuleProblem(Kind.RULE_FAILED, where, message, program.expression, value)


def _message(rule: _Rule, variables: dict) -> str:
    """The rule's ``messageExpression`` when it gives a non-empty string, else ``message``
    (what the API server shows)."""
    if isinstance(rule.message_expression, Compiled):
        text = rule.message_expression.value(variables)
        if isinstance(text, str) and text.strip():
            return text
    return rule.message


def _quote(expression: str) -> str:
    flat = " ".join(expression.split())
    return repr(flat if len(flat) <= 80 else flat[:77] + "...")


def cel_value(node: dict, value: object) -> object:
    """The value CEL sees: plain dicts and lists with string keys (as JSON has them), unknown
    fields pruned (as the API server stores the object), integers of ``number`` fields made
    doubles."""
    if isinstance(value, dict):
        properties = node.get("properties") or {}
        extra = node.get("additionalProperties")
        result = {}
        for key, item in value.items():
            name = _json_key(key)
            if name in properties:
                child = properties[name]
            elif isinstance(extra, dict):
                child = extra
            elif extra is False:
                continue  # pruned
            else:
                child = {}
            result[name] = cel_value(child if isinstance(child, dict) else {}, item)
        return result
    if isinstance(value, list):
        items = node.get("items")
        items = items if isinstance(items, dict) else {}
        return [cel_value(items, v) for v in value]
    if node.get("type") == "number" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def plain_value(value: object) -> object:
    """``value`` as plain dicts and lists with JSON's string keys, without a schema: what a
    policy's CEL expression reads (``cel_value`` with no schema, in one cheap pass)."""
    if isinstance(value, dict):
        return {
            key if type(key) is str else _json_key(key): plain_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [plain_value(item) for item in value]
    return value


def _json_key(key: object) -> str:
    """A YAML key as the JSON the API server receives spells it (``8080:`` -> "8080")."""
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def _duplicates(plan: _Plan, items: list, path: tuple) -> Iterator[RuleProblem]:
    """listtype.validateListSetsAndMaps: the second item of each repeated value (or key) is
    reported, as the API server reports it."""
    keyed = plan.list_type == "map" and plan.map_keys
    seen: dict[str, int] = {}
    reported: set[str] = set()
    for index, item in enumerate(items):
        if keyed and not isinstance(item, dict):
            return  # the API server refuses the list as a whole; the schema rules say why
        identity = _identity({k: item.get(k, _MISSING) for k in plan.map_keys} if keyed else item)
        first = seen.setdefault(identity, index)
        if first == index or identity in reported:
            continue
        reported.add(identity)
        if keyed:
            what = ", ".join(f"{k}: {_show(item.get(k))}" for k in plan.map_keys)
            where = (*path, index, plan.map_keys[0]) if len(plan.map_keys) == 1 else (*path, index)
            message = (
                f"item {index} repeats the key ({what}) of item {first}; the list is a map "
                f"keyed by {', '.join(plan.map_keys)}, so the API server refuses the duplicate. "
                f"Merge the two items or give one another {plan.map_keys[0]}"
            )
            yield RuleProblem(Kind.DUPLICATE_ITEM, where, message, "x-kubernetes-list-type: map")
        else:
            message = (
                f"item {index} repeats item {first} ({_show(item)}); the list is a set, so the "
                "API server refuses duplicates. Remove one"
            )
            yield RuleProblem(
                Kind.DUPLICATE_ITEM, (*path, index), message, "x-kubernetes-list-type: set", item
            )


class _Missing:
    def __repr__(self) -> str:
        return "<unset>"


_MISSING = _Missing()


def _identity(value: object) -> str:
    """Equality as Go compares decoded JSON: 1 and 1.0 and true differ, maps by content."""
    return json.dumps(_typed(value), sort_keys=True, default=repr)


def _typed(value: object) -> object:
    if isinstance(value, dict):
        return {str(k): _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return [type(value).__name__, value if not isinstance(value, _Missing) else None]


def _show(value: object) -> str:
    if value is _MISSING:
        return "unset"
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
