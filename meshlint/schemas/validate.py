"""Schema validation: each resource against its kind's JSON Schema, every error turned into
one precise problem (what kind of problem, which field, what to do about it). Each schema
rule declares the kind of problem it reports.

The validator is jsonschema-rs, compiled once per schema; valid documents (almost all of
them) take its fast ``is_valid`` path. Where it is not installed, or refuses a value
(bytes, non-string keys), the pure-Python ``jsonschema`` gives the same errors more slowly.
Both report the instance path and the schema path of an error; the schema node at that path
says what was expected, so the messages do not depend on either library's wording.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from meshlint.facts.memo import fact
from meshlint.input.resources import Resource, field_path
from meshlint.schemas.store import find_schema, read_schema

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = ["Problem", "SchemaProblemKind", "resource_problems", "schema_problems"]


class SchemaProblemKind(Enum):
    """What a schema error is about, after the keyword that failed."""

    UNKNOWN_FIELD = "unknown-field"  # additionalProperties
    TYPE = "type"
    ENUM = "enum"
    REQUIRED = "required"
    RANGE = "range"  # minimum, maximum and their exclusive forms
    PATTERN = "pattern"
    LENGTH = "length"  # min/max length, items and properties
    CONSTRAINT = "constraint"  # any other keyword (oneOf, const, ...)


UNKNOWN_FIELD = SchemaProblemKind.UNKNOWN_FIELD
TYPE = SchemaProblemKind.TYPE
ENUM = SchemaProblemKind.ENUM
REQUIRED = SchemaProblemKind.REQUIRED
RANGE = SchemaProblemKind.RANGE
PATTERN = SchemaProblemKind.PATTERN
LENGTH = SchemaProblemKind.LENGTH
CONSTRAINT = SchemaProblemKind.CONSTRAINT

_KIND_OF = {
    "additionalProperties": UNKNOWN_FIELD,
    "type": TYPE,
    "enum": ENUM,
    "required": REQUIRED,
    "minimum": RANGE,
    "maximum": RANGE,
    "exclusiveMinimum": RANGE,
    "exclusiveMaximum": RANGE,
    "pattern": PATTERN,
    "minLength": LENGTH,
    "maxLength": LENGTH,
    "minItems": LENGTH,
    "maxItems": LENGTH,
    "minProperties": LENGTH,
    "maxProperties": LENGTH,
}
_TYPE_NAMES = {
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "boolean": "a boolean",
    "object": "a mapping",
    "array": "a list",
    "null": "null",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One schema problem: its kind, the field's path, an optional exact 0-based position (a
    key rather than its value), and the message."""

    kind: SchemaProblemKind
    path: tuple[object, ...]
    message: str
    at: tuple[int, int] | None = None
    # The one obvious repair, when there is one: ``("rename", key)`` for a misspelt field
    # with a single close candidate, ``("set", value)`` for a misspelt enum value or a
    # quoted integer.
    repair: tuple[str, object] | None = None


class _Validator:
    """A schema compiled once: jsonschema-rs when it can, Python jsonschema otherwise."""

    def __init__(self, schema: dict, use_rust: bool = True) -> None:
        self.schema = schema
        self.fast = None
        self.slow = None
        if use_rust:
            # Imported here, so a run without the schema rules does not pay for it.
            try:  # the fast path; the README's "Schema validation" section has the numbers
                import jsonschema_rs
            except ImportError:  # pragma: no cover - the fallback is tested with use_rust=False
                return
            self.fast = jsonschema_rs.Draft7Validator(schema)

    def errors(self, body: dict) -> list[tuple[tuple, tuple]]:
        """``(instance path, schema path)`` of every error; empty when ``body`` is valid."""
        if self.fast is not None:
            try:
                if self.fast.is_valid(body):
                    return []
                return [
                    (tuple(e.instance_path), tuple(e.schema_path))
                    for e in self.fast.iter_errors(body)
                ]
            except (ValueError, TypeError, OverflowError):
                pass  # a value jsonschema-rs cannot take (bytes, an int key): use the slow path
        try:
            if self.slow is None:
                import jsonschema

                self.slow = jsonschema.Draft7Validator(self.schema)
            return [
                (tuple(e.absolute_path), tuple(e.absolute_schema_path))
                for e in self.slow.iter_errors(body)
            ]
        except Exception:  # a user schema that is not valid JSON Schema: nothing to report
            return []


@lru_cache(maxsize=512)
def _validator(path: Path, use_rust: bool = True) -> _Validator | None:
    found = read_schema(path)
    if found is None:
        return None
    try:
        return _Validator(found, use_rust)
    except Exception:  # a broken user schema must not stop the run
        return None


@fact
def schema_problems(mesh: Mesh) -> list[tuple[Resource, Problem]]:
    """Every schema problem of the mesh's resources, computed once per mesh."""
    user_dir = getattr(mesh.settings, "schemas_dir", None)
    return [
        (resource, problem)
        for resource in mesh.resources
        for problem in resource_problems(resource, user_dir)
    ]


def resource_problems(
    resource: Resource, user_dir: str | None = None, use_rust: bool = True
) -> list[Problem]:
    """The schema problems of one resource; none when its kind has no schema."""
    found = find_schema(resource.group, resource.version, resource.kind, user_dir)
    if found is None or not isinstance(resource.body, dict):
        return []
    validator = _validator(found[0], use_rust)
    if validator is None:
        return []
    problems: dict[tuple[SchemaProblemKind, tuple], Problem] = {}
    for instance_path, schema_path in validator.errors(resource.body):
        for problem in _explain(resource, validator.schema, instance_path, schema_path):
            problems.setdefault((problem.kind, problem.path), problem)
    return list(problems.values())


def _walk(root: object, path: tuple) -> object:
    node = root
    for step in path:
        if isinstance(node, dict):
            node = node.get(step if isinstance(step, str) else str(step))
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        elif isinstance(node, list) and isinstance(step, str) and step.isdigit():
            index = int(step)
            node = node[index] if index < len(node) else None
        else:
            return None
    return node


def _schema_node(schema: dict, path: tuple) -> dict:
    """The schema node at ``path``, following local ``$ref``s (user schemas may have them;
    jsonschema reports paths through them, jsonschema-rs past them)."""
    node: object = schema
    for step in (*path, None):
        for _ in range(8):  # a few levels of $ref to $ref, never a loop
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not (isinstance(ref, str) and ref.startswith("#/")):
                break
            node = _walk(schema, tuple(ref[2:].split("/")))
        if step is None or step == "$ref":
            continue
        node = _walk(node, (step,))
    return node if isinstance(node, dict) else {}


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({json.dumps(value)[:60]})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _where(path: tuple) -> str:
    return field_path(path) or "the resource"


def _explain(
    resource: Resource, schema: dict, instance_path: tuple, schema_path: tuple
) -> Iterator[Problem]:
    keyword = schema_path[-1] if schema_path else ""
    node = _schema_node(schema, schema_path[:-1])
    value = _walk(resource.body, instance_path)
    kind = _KIND_OF.get(str(keyword), CONSTRAINT)
    where = _where(instance_path)
    what = f"{resource.kind} {resource.api_version}"

    if keyword not in node:  # the schema node could not be found
        yield _generic(resource, instance_path, schema_path)
    elif keyword == "additionalProperties" and isinstance(value, dict):
        allowed = node.get("properties") or {}
        patterns = [p for p in node.get("patternProperties") or () if isinstance(p, str)]
        for key in value:
            if key in allowed or any(_search(p, str(key)) for p in patterns):
                continue
            path = (*instance_path, key)
            close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
            hint = (
                f"did you mean {close[0]!r}?"
                if close
                else f"allowed here: {_names(allowed)}"
                if allowed
                else "remove it"
            )
            only = difflib.get_close_matches(str(key), list(allowed), n=2, cutoff=0.6)
            yield Problem(
                kind,
                path,
                f"unknown field {key!r} in {where}: {what} has no such field. The API "
                "server prunes it: kubectl (strict field validation, its default) refuses the "
                "resource, other clients get it stored without the field, with a warning at "
                f"most; {hint}",
                resource.locate_key(path),
                ("rename", only[0]) if len(only) == 1 and only[0] not in value else None,
            )
    elif keyword == "required" and isinstance(value, dict):
        known = node.get("properties") or {}
        unknown = [str(k) for k in value if k not in known]
        for name in node.get("required") or ():
            # A misspelt key explains a missing one: the unknown-field finding says it all.
            if name not in value and not difflib.get_close_matches(name, unknown, 1, 0.6):
                yield Problem(
                    kind,
                    instance_path,
                    f"{where} is missing the required field {name!r}; the API server rejects "
                    f"the {resource.kind} without it. Add {name!r}",
                )
    elif keyword == "type":
        expected = node.get("type")
        types = expected if isinstance(expected, list) else [expected]
        quoted = isinstance(value, str) and re.fullmatch(r"-?[0-9]{1,15}", value)
        repair = ("set", int(value)) if quoted and "integer" in types else None
        yield Problem(kind, instance_path, _type_message(where, expected, value), None, repair)
    elif keyword == "enum":
        options = [str(o) for o in node.get("enum") or () if o is not None]
        close = _closest(str(value), options)
        hint = f"did you mean {close!r}?" if close else f"use one of {_names(options)}"
        single = close is not None and isinstance(value, str) and _closest(value, options, 2)
        yield Problem(
            kind,
            instance_path,
            f"{where} is {value!r}, which is not an allowed value; {hint}",
            None,
            ("set", close) if single else None,
        )
    elif kind is RANGE:
        yield Problem(kind, instance_path, _range_message(where, keyword, node, value))
    elif keyword == "pattern":
        yield Problem(
            kind,
            instance_path,
            f"{where} is {json.dumps(value)[:80]}, which does not match the pattern "
            f"{node.get('pattern')!r} the API server requires; correct its format",
        )
    elif kind is LENGTH:
        yield Problem(kind, instance_path, _length_message(where, keyword, node, value))
    elif keyword == "oneOf" and isinstance(value, dict):
        yield from _one_of(resource, node.get("oneOf"), instance_path, value)
    else:
        yield _generic(resource, instance_path, schema_path)


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # a pattern Python cannot read: do not call the key unknown


def _generic(resource: Resource, instance_path: tuple, schema_path: tuple) -> Problem:
    """An error the schema node cannot explain (another keyword, or a path that goes through
    a ``$ref`` of a user schema): still one finding, at the field, with the keyword."""
    keyword = str(schema_path[-1]) if schema_path else "schema"
    return Problem(
        _KIND_OF.get(keyword, CONSTRAINT),
        instance_path,
        f"{_where(instance_path)} breaks the schema's {keyword!r} constraint; check it "
        f"against the {resource.kind} reference",
    )


def _closest(word: str, options: list[str], only: int = 0) -> str | None:
    """The nearest option, ignoring case (enums are upper case, typos often are not); with
    ``only``, None unless it is the only close one."""
    by_lower = {o.lower(): o for o in options}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=max(1, only), cutoff=0.6)
    if only and len(close) != 1:
        return None
    return by_lower[close[0]] if close else None


def _names(items: object, limit: int = 8) -> str:
    names = [str(i) for i in items]
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _type_message(where: str, expected: object, value: object) -> str:
    types = expected if isinstance(expected, list) else [expected]
    wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in types if t != "null")
    hint = ""
    if isinstance(value, str) and any(t in ("integer", "number") for t in types):
        try:
            float(value)
            hint = "; remove the quotes"
        except ValueError:
            hint = ""
    elif isinstance(value, str) and "boolean" in types and value.lower() in ("true", "false"):
        hint = "; remove the quotes"
    elif "string" in types and not isinstance(value, (dict, list)):
        hint = "; write it as a string (in quotes)"
    elif "array" in types and not isinstance(value, list):
        hint = "; write it as a list (`- item`)"
    return f"{where} is {_describe(value)}, but the schema wants {wanted}{hint}"


def _range_message(where: str, keyword: object, node: dict, value: object) -> str:
    if keyword in ("minimum", "exclusiveMinimum"):
        bound, relation = node.get(keyword), "at least" if keyword == "minimum" else "above"
    else:
        bound, relation = node.get(keyword), "at most" if keyword == "maximum" else "below"
    low, high = node.get("minimum"), node.get("maximum")
    span = f" (allowed: {low}..{high})" if low is not None and high is not None else ""
    return f"{where} is {value!r}, but it must be {relation} {bound}{span}"


def _length_message(where: str, keyword: object, node: dict, value: object) -> str:
    unit = {"Length": "characters", "Items": "items", "Properties": "entries"}[str(keyword)[3:]]
    size = len(value) if isinstance(value, (str, list, dict)) else 0
    limit = node.get(keyword)
    relation = "at least" if str(keyword).startswith("min") else "at most"
    return f"{where} has {size} {unit}, but it must have {relation} {limit}"


def _one_of(
    resource: Resource, branches: object, instance_path: tuple, value: dict
) -> Iterator[Problem]:
    """Istio writes "at most one of these fields" as a oneOf of ``required`` branches."""
    exclusive: list[str] = []
    for branch in branches if isinstance(branches, list) else ():
        if isinstance(branch, dict) and set(branch) == {"required"}:
            exclusive.extend(str(f) for f in branch["required"])
    present = [f for f in value if f in exclusive]
    where = _where(instance_path)
    if len(present) > 1:
        yield Problem(
            CONSTRAINT,
            (*instance_path, present[-1]),
            f"{where} sets {' and '.join(repr(f) for f in present)}, but only one of "
            f"{_names(exclusive)} may be set; "
            f"keep one of them",
            resource.locate_key((*instance_path, present[-1])),
        )
    else:
        yield Problem(
            CONSTRAINT,
            instance_path,
            f"{where} does not match exactly one of the forms the {resource.kind} schema "
            "allows here; check it against the reference",
        )
