"""The policy file: one YAML document per file, validated against the JSON Schema shipped in
``meshlint/data/policy.schema.json``, then read into a ``PolicySpec``.

Errors name the policy file's line and column and the key (``rules/x.yaml:7:3: match.kind:
unknown key 'kind' (did you mean 'kinds'?)``), in the config file's style. Beyond the schema
the loader checks what a schema cannot: the code range, the message's placeholders, that the
CEL expression compiles and the JSON Schema is one, the paths of ``each`` and ``field``, and
that a graph condition can be asked about the kinds matched.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from meshlint.config.file import type_name, where_in_file
from meshlint.facts.reachability import AUTHORIZATION_KINDS, REACHABLE_KINDS, ROUTED_KINDS
from meshlint.findings import Severity
from meshlint.input.yamlpos import ParseProblem, locate, parse_documents
from meshlint.rules.base import suggest
from meshlint.schemas.cel.engine import Unsupported, compiled

__all__ = [
    "PLACEHOLDERS",
    "Assertion",
    "Conditions",
    "Example",
    "GatewayCondition",
    "Match",
    "PolicyError",
    "PolicySpec",
    "parse_path",
    "policy_schema",
    "read_policy",
]

PLACEHOLDERS = ("kind", "namespace", "name", "apiVersion", "resource", "path", "value", "problem")
# Codes meshlint keeps for itself: ML its Python rules, MP the shipped policy pack.
RESERVED_PREFIXES = ("ML", "MP")
PACK_PREFIX = "MP"
_CONDITION_KINDS = {
    "reachable-from-gateway": REACHABLE_KINDS,
    "routed-to": ROUTED_KINDS,
    "has-authorization-policy": AUTHORIZATION_KINDS,
}
_STEP = re.compile(r"([^.\[\]]+)|\[(\*|\d+)\]")


class PolicyError(Exception):
    """Policy files that cannot be used; one line per problem, each naming file, line,
    column and key."""


@dataclass(frozen=True, slots=True)
class GatewayCondition:
    """``reachable-from-gateway``: the Gateways traffic enters through."""

    selector: frozenset[tuple[str, str]] = frozenset()
    names: tuple[str, ...] = ()
    expected: bool = True  # false: the resource must not be reachable


@dataclass(frozen=True, slots=True)
class Conditions:
    """Graph conditions; None where the policy does not ask."""

    reachable_from: GatewayCondition | None = None
    routed_to: bool | None = None
    has_authorization_policy: bool | None = None

    def __bool__(self) -> bool:
        return any(
            v is not None
            for v in (self.reachable_from, self.routed_to, self.has_authorization_policy)
        )


@dataclass(frozen=True, slots=True)
class Match:
    kinds: tuple[str, ...]
    namespaces: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    production: bool | None = None
    conditions: Conditions = Conditions()


@dataclass(frozen=True, slots=True)
class Assertion:
    each: tuple[tuple[object, ...], ...] = ()  # paths with "*" steps; () the resource
    field: tuple[object, ...] = ()
    schema: dict | None = None
    cel: str | None = None
    conditions: Conditions = Conditions()


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: str  # "examples.bad[0]"
    line: int  # 1-based, in the policy file


@dataclass(frozen=True, eq=False)
class PolicySpec:
    """A policy file, read and checked."""

    path: str
    name: str
    code: str
    severity: Severity
    enabled_by_default: bool
    summary: str
    description: str
    message: str
    references: tuple[str, ...]
    match: Match
    assertion: Assertion
    bad: tuple[Example, ...]
    good: tuple[Example, ...]
    definition: str  # its match and assert as YAML, for the rule page


@cache
def policy_schema() -> dict:
    text = resources.files("meshlint").joinpath("data", "policy.schema.json").read_text()
    return json.loads(text)


def read_policy(path: Path, pack: bool = False) -> PolicySpec:
    """Read and check one policy file; ``pack`` allows the pack's ``MP`` codes. Raises
    ``PolicyError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(f"{path}: cannot read: {error}") from None
    problems: list[ParseProblem] = []
    documents = [value for value, _, _ in parse_documents(text, problems)]
    if problems:
        problem = problems[0]
        raise PolicyError(f"{path}:{problem.line + 1}:{problem.column + 1}: {problem.message}")
    if len(documents) != 1 or not isinstance(documents[0], dict):
        found = f"{len(documents)} documents" if len(documents) != 1 else "no mapping"
        raise PolicyError(f"{path}: expected one YAML mapping (a policy), found {found}")
    data = documents[0]
    # The shipped pack is checked against the schema by the tests, not at every start (that
    # would import a JSON Schema validator into runs that need none, such as a cached one).
    messages = (None if pack else _schema_errors(path, data)) or _semantic_errors(path, data, pack)
    if messages:
        raise PolicyError("\n".join(messages))
    return _spec(path, data)


@cache
def _quick_validator():
    """jsonschema-rs's validator of the policy schema: a valid file (the common case) is
    checked without importing jsonschema (a tenth of a second at every start, as the pack is
    read with the registry); None where jsonschema-rs is missing."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.validator_for(policy_schema())


def _schema_errors(path: Path, data: dict) -> list[str]:
    quick = _quick_validator()
    if quick is not None and quick.is_valid(data):
        return []
    from jsonschema import Draft202012Validator  # its errors make the detailed messages

    schema = policy_schema()
    errors = sorted(
        Draft202012Validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.path]
    )
    return [line for error in errors for line in _schema_message(path, data, error)]


def _schema_message(path: Path, data: dict, error: Any) -> list[str]:
    keys = tuple(error.absolute_path)
    instance = error.instance
    where = where_in_file(path, data, keys)
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        return [
            f"{where_in_file(path, data, (*keys, k), key=True)}: unknown key {k!r}"
            f"{suggest(str(k), allowed)}"
            for k in instance
            if k not in allowed
        ]
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in instance]
        return [f"{where}: missing the required key {k!r}" for k in missing]
    if error.validator == "enum":
        choices = [c for c in error.validator_value if isinstance(c, str)]
        return [
            f"{where}: {type_name(instance)} is not one of {', '.join(map(repr, choices))}"
            f"{suggest(str(instance), choices)}"
        ]
    if error.validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return [f"{where}: expected {wanted}, not {type_name(instance)}"]
    if error.validator == "pattern":
        return [f"{where}: {instance!r} {_PATTERNS.get(keys[-1] if keys else '', error.message)}"]
    return [f"{where}: {error.message}"]


_PATTERNS = {
    "name": "is not a name: lower-case words joined by hyphens, e.g. prod-dr-outlier-detection",
    "code": "is not a code: two to eight capital letters and three or four digits, e.g. ACME001",
}


def _semantic_errors(path: Path, data: dict, pack: bool) -> list[str]:
    """What the schema cannot say."""
    messages = []

    def error(keys: tuple[object, ...], text: str) -> None:
        messages.append(f"{where_in_file(path, data, keys)}: {text}")

    code = data["code"]
    reserved = [p for p in RESERVED_PREFIXES if code.startswith(p) and not (pack and p == "MP")]
    if reserved:
        error(
            ("code",),
            f"{code!r} is in a range meshlint keeps for itself ({reserved[0]}: "
            f"{'built-in rules' if reserved[0] == 'ML' else 'the shipped policy pack'}); "
            "start the code with your own letters, e.g. ACME001",
        )
    elif pack and not code.startswith(PACK_PREFIX):
        error(("code",), f"a policy of the pack has an {PACK_PREFIX} code, not {code!r}")
    for _, field_name, _, _ in string.Formatter().parse(data["message"]):
        if field_name is not None and field_name not in PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            error(
                ("message",),
                f"unknown placeholder {{{field_name}}}{suggest(field_name, PLACEHOLDERS)}; "
                f"the message may use {known}",
            )
    assertion = data["assert"]
    if not {"schema", "cel", *_CONDITION_KINDS} & set(assertion):
        error(("assert",), "asserts nothing: give schema, cel or a graph condition")
    each = assertion.get("each", ())
    for index, text in enumerate([each] if isinstance(each, str) else each):
        if parse_path(text) is None:
            keys = ("assert", "each") if isinstance(each, str) else ("assert", "each", index)
            error(keys, f"{text!r} is not a path like spec.http[*].route")
    if "field" in assertion and parse_path(assertion["field"]) is None:
        error(("assert", "field"), f"{assertion['field']!r} is not a path like retries.attempts")
    if "cel" in assertion:
        program = compiled(assertion["cel"], "policy")
        if isinstance(program, Unsupported):
            error(("assert", "cel"), f"the CEL expression cannot be used: {program.reason}")
    if "schema" in assertion:
        from jsonschema import Draft7Validator, SchemaError

        try:
            Draft7Validator.check_schema(assertion["schema"])
        except SchemaError as problem:
            error(("assert", "schema"), f"not a JSON Schema: {problem.message}")
    kinds = set(data["match"]["kinds"])
    for section in ("match", "assert"):
        for condition, allowed in _CONDITION_KINDS.items():
            if condition in data[section] and not kinds <= allowed:
                others = ", ".join(sorted(kinds - allowed))
                error(
                    (section, condition),
                    f"cannot be asked about {others}; it applies to {', '.join(sorted(allowed))}",
                )
    return messages


def parse_path(text: str) -> tuple[object, ...] | None:
    """``spec.http[*].route`` -> ``("spec", "http", "*", "route")``; None when malformed."""
    steps: list[object] = []
    position = 0
    while position < len(text):
        if text[position] == "." and steps:
            position += 1
        match = _STEP.match(text, position)
        if match is None:
            return None
        if match[1] is not None:
            steps.append(match[1])
        else:
            steps.append("*" if match[2] == "*" else int(match[2]))
        position = match.end()
    return tuple(steps) if steps else None


def _paths(each: str | list) -> tuple[tuple[object, ...], ...]:
    texts = [each] if isinstance(each, str) else each
    return tuple(path for path in map(parse_path, texts) if path is not None)


def _conditions(section: dict) -> Conditions:
    reach = section.get("reachable-from-gateway")
    gateways = None
    if isinstance(reach, bool):
        gateways = GatewayCondition(expected=reach)
    elif isinstance(reach, dict):
        labels = reach.get("selector") or {}
        gateways = GatewayCondition(frozenset(labels.items()), tuple(reach.get("gateways") or ()))
    return Conditions(
        reachable_from=gateways,
        routed_to=section.get("routed-to"),
        has_authorization_policy=section.get("has-authorization-policy"),
    )


def _examples(data: dict, which: str) -> tuple[Example, ...]:
    items = (data.get("examples") or {}).get(which, ())
    found = []
    for index, item in enumerate(items):
        text = item if isinstance(item, str) else json.dumps(item, indent=2)
        line, _ = locate(data, ("examples", which, index))
        found.append(Example(text, f"examples.{which}[{index}]", line + 1))
    return tuple(found)


def _spec(path: Path, data: dict) -> PolicySpec:
    match, assertion = data["match"], data["assert"]
    default = data.get("default", True)
    return PolicySpec(
        path=str(path),
        name=data["name"],
        code=data["code"],
        severity=Severity.parse(data["severity"]),
        enabled_by_default=default in (True, "on"),
        summary=data["summary"].strip(),
        description=(data.get("description") or "").strip(),
        message=data["message"].strip(),
        references=tuple(data.get("references", ())),
        match=Match(
            kinds=tuple(match["kinds"]),
            namespaces=tuple(match.get("namespaces", ())),
            labels=tuple(sorted((match.get("labels") or {}).items())),
            production=match.get("production"),
            conditions=_conditions(match),
        ),
        assertion=Assertion(
            each=_paths(assertion.get("each", ())),
            field=parse_path(assertion["field"]) or () if "field" in assertion else (),
            schema=_plain(assertion.get("schema")),
            cel=assertion.get("cel"),
            conditions=_conditions(assertion),
        ),
        bad=_examples(data, "bad"),
        good=_examples(data, "good"),
        definition=_definition(data),
    )


def _definition(data: dict) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value or len(value) > 60 else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    part = {key: _plain(data[key]) for key in ("match", "assert")}
    return yaml.dump(part, Dumper=Dumper, sort_keys=False, width=88, default_flow_style=False)


def _plain(value: object) -> Any:
    """A positioned value as plain dicts and lists (a JSON Schema compiled by jsonschema-rs)."""
    return json.loads(json.dumps(value)) if value is not None else None
