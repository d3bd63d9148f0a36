"""The validation rules and list types of the shipped schemas, and documents that reach them.

``sites()`` lists every ``x-kubernetes-validations`` rule and every list type of the shipped
schemas (each schema node of each group, version and kind), read at test time, so a rule
the CRDs gain is a new test case. ``document(site, value)`` builds a resource of the site's
kind with ``value`` at the site's field and everything around it filled in so that it is
valid: required fields get plain values, and an enclosing object whose own rules the filling
breaks takes the missing fields from an accepted value of those rules in
``tests/data/cel_cases.yaml``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import yaml

from meshlint.schemas.cel.engine import Compiled, compiled
from meshlint.schemas.convert import VALIDATIONS
from meshlint.schemas.store import builtin_dir, read_schema
from meshlint.schemas.structural import cel_value, is_transition_rule

CASES_FILE = Path(__file__).resolve().parent / "data" / "cel_cases.yaml"
MAP_KEY = "8080"  # a map key every Istio map takes: a label, a port name, a port number


def cases() -> dict[str, dict]:
    return {c["rule"]: c for c in yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))}


CASES = cases()


@dataclass(frozen=True)
class Site:
    group: str
    version: str
    kind: str
    steps: tuple[str, ...]  # property names, "[]" for items, "{}" for map values
    rule: str  # the CEL expression, or "list-type: map" / "list-type: set"
    field_path: str | None = None

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.version}:{'.'.join(self.steps)}:{self.rule[:40]}"

    def path(self) -> tuple[object, ...]:
        """The field's path in the document ``document()`` builds."""
        return tuple(0 if s == "[]" else MAP_KEY if s == "{}" else s for s in self.steps)


def shipped_schemas() -> list[tuple[str, str, str, dict]]:
    root = builtin_dir()
    found = []
    for path in sorted(root.rglob("*.json")):
        schema = read_schema(path)
        group, version, kind = schema["title"].replace("/", " ").split()
        found.append((group, version, kind, schema))
    return found


def sites() -> list[Site]:
    found: list[Site] = []
    for group, version, kind, schema in shipped_schemas():
        for steps, node in _nodes(schema, ()):
            for rule in node.get(VALIDATIONS) or ():
                found.append(Site(group, version, kind, steps, rule["rule"], rule.get("fieldPath")))
            list_type = node.get("x-kubernetes-list-type")
            if list_type in ("set", "map"):
                found.append(Site(group, version, kind, steps, f"list-type: {list_type}"))
    return found


def _nodes(node: dict, steps: tuple[str, ...]):
    yield steps, node
    for name, child in (node.get("properties") or {}).items():
        yield from _nodes(child, (*steps, name))
    if isinstance(node.get("items"), dict):
        yield from _nodes(node["items"], (*steps, "[]"))
    if isinstance(node.get("additionalProperties"), dict):
        yield from _nodes(node["additionalProperties"], (*steps, "{}"))


def schema_of(site: Site) -> dict:
    for group, version, kind, schema in shipped_schemas():
        if (group, version, kind) == (site.group, site.version, site.kind):
            return schema
    raise KeyError(site)


def node_at(schema: dict, steps: tuple[str, ...]) -> dict:
    node = schema
    for step in steps:
        node = (
            node["items"]
            if step == "[]"
            else node["additionalProperties"]
            if step == "{}"
            else node["properties"][step]
        )
    return node


def holds(node: dict, value: object) -> bool:
    """Do all of the node's rules accept ``value``?"""
    for rule in node.get(VALIDATIONS) or ():
        if is_transition_rule(rule["rule"]):
            continue
        program = compiled(rule["rule"])
        if (
            not isinstance(program, Compiled)
            or program.evaluate({"self": cel_value(node, value)}) is not True
        ):
            return False
    return True


def _repair(node: dict, value: object) -> object:
    """``value`` if the node's rules accept it, else ``value`` completed from an accepted
    value of one of those rules."""
    if holds(node, value) or not isinstance(value, dict):
        return value
    for rule in node.get(VALIDATIONS) or ():
        for accepted in CASES.get(rule["rule"], {}).get("accept", ()):
            if isinstance(accepted, dict):
                candidate = {**copy.deepcopy(accepted), **value}
                if holds(node, candidate):
                    return candidate
    return value


def filler(node: dict) -> object:
    """A valid value for a required field."""
    for rule in node.get(VALIDATIONS) or ():
        for accepted in CASES.get(rule["rule"], {}).get("accept", ()):
            if holds(node, accepted):
                return copy.deepcopy(accepted)
    if "enum" in node:
        return next(v for v in node["enum"] if v is not None)
    types = node.get("type")
    kind = types[0] if isinstance(types, list) else types
    if kind == "string":
        return "a" * max(1, node.get("minLength", 1))
    if kind in ("integer", "number"):
        return max(1, node.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        return [filler(node["items"]) for _ in range(node.get("minItems", 0))]
    if kind == "object" or "properties" in node:
        return _repair(node, _required(node))
    return "a"


def _required(node: dict, skip: str | None = None) -> dict:
    properties = node.get("properties") or {}
    return {
        name: filler(properties[name])
        for name in node.get("required") or ()
        if name != skip and name in properties
    }


def _build(node: dict, steps: tuple[str, ...], leaf: object) -> object:
    if not steps:  # the site: the value, with the fields the schema requires added
        return {**_required(node), **leaf} if isinstance(leaf, dict) else leaf
    step, rest = steps[0], steps[1:]
    if step == "[]":
        value: object = [_build(node["items"], rest, leaf)]
    elif step == "{}":
        value = {MAP_KEY: _build(node["additionalProperties"], rest, leaf)}
    else:
        value = _required(node, skip=step)
        value[step] = _build(node["properties"][step], rest, leaf)
    return _repair(node, value)


def document(site: Site, value: object) -> str:
    """The YAML text of a resource with ``value`` at the site's field."""
    body = _build(schema_of(site), site.steps, copy.deepcopy(value))
    body.update(
        apiVersion=f"{site.group}/{site.version}",
        kind=site.kind,
        metadata={"name": "probe", "namespace": "shop"},
    )
    return yaml.safe_dump(body, sort_keys=False, allow_unicode=True)
