"""CustomResourceDefinition -> JSON Schema: one schema per group, version and kind.

A CRD's ``openAPIV3Schema`` is *structural*: every object lists its fields, and the API server
prunes (or, with strict field validation, rejects) any field it does not list, unless
``x-kubernetes-preserve-unknown-fields`` says to keep them. Plain JSON Schema allows unknown
fields by default, so the converter makes that rule explicit with ``additionalProperties:
false``. Kubernetes' own extensions become JSON Schema (``nullable``, ``int-or-string``), and
what only documents or only the API server's CEL engine reads is dropped (descriptions,
formats, defaults). What JSON Schema cannot say is kept under Kubernetes' own keywords, which
JSON Schema validators ignore and ``meshlint.schemas.structural`` reads: the CEL rules
(``x-kubernetes-validations``, without descriptions) and the list types
(``x-kubernetes-list-type``, ``x-kubernetes-list-map-keys``). The result is compact and
deterministic, so regenerating the shipped schemas gives no diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import yaml

__all__ = [
    "DRAFT",
    "VALIDATIONS",
    "convert_crd",
    "convert_schema",
    "crd_documents",
    "dump_schema",
    "load_crds",
    "schema_path",
    "wrap",
    "write_schemas",
]

DRAFT = "http://json-schema.org/draft-07/schema#"

# Keywords that carry only documentation or API-server behaviour meshlint does not model.
_DROPPED = frozenset(
    {
        "description",
        "example",
        "externalDocs",
        "title",
        "default",
        "format",
        "x-kubernetes-map-type",
        "x-kubernetes-embedded-resource",
    }
)
# Keywords copied as they are.
_PLAIN = frozenset(
    {
        "type",
        "enum",
        "required",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
    }
)
# Kubernetes keywords kept for meshlint.schemas.structural (JSON Schema ignores them).
_KUBERNETES = frozenset({"x-kubernetes-list-type", "x-kubernetes-list-map-keys"})
VALIDATIONS = "x-kubernetes-validations"
# The fields of a validation rule the API server reads (not the CRD author's comments).
_RULE_FIELDS = ("rule", "message", "messageExpression", "fieldPath", "reason", "optionalOldSelf")
_JUNCTORS = ("allOf", "anyOf", "oneOf")
_TOP_LEVEL = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}}


def crd_documents(documents: Iterable[object]) -> Iterator[dict]:
    """The CustomResourceDefinitions among parsed documents, ``kind: List`` unpacked."""
    for document in documents:
        if not isinstance(document, dict):
            continue
        items = document.get("items")
        if str(document.get("kind", "")).endswith("List") and isinstance(items, list):
            yield from crd_documents(items)
        elif document.get("kind") == "CustomResourceDefinition":
            yield document


def convert_crd(crd: dict) -> dict[tuple[str, str, str], dict]:
    """``{(group, version, kind): schema}`` for every served version of ``crd`` that has a
    schema (a version with ``served: false`` is refused by the API server, so it gets none)."""
    spec = crd.get("spec")
    if not isinstance(spec, dict):
        return {}
    group = spec.get("group")
    names = spec.get("names")
    kind = names.get("kind") if isinstance(names, dict) else None
    if not isinstance(group, str) or not isinstance(kind, str):
        return {}
    shared = spec.get("validation")  # apiextensions v1beta1: one schema for every version
    result = {}
    for version in spec.get("versions") or ():
        if not isinstance(version, dict) or not isinstance(version.get("name"), str):
            continue
        if version.get("served") is False:
            continue
        holder = version.get("schema") or shared
        root = holder.get("openAPIV3Schema") if isinstance(holder, dict) else None
        if isinstance(root, dict):
            result[group, version["name"], kind] = wrap(root, group, version["name"], kind)
    return result


def wrap(root: dict, group: str, version: str, kind: str) -> dict:
    """The resource's schema: the CRD's, plus ``apiVersion``, ``kind`` and ``metadata``."""
    schema = convert_schema(root)
    schema.setdefault("type", "object")
    _accept_object_header(schema)
    if root.get("x-kubernetes-preserve-unknown-fields") is not True:
        schema["additionalProperties"] = False
    schema["$schema"] = DRAFT
    schema["title"] = f"{group}/{version} {kind}"
    return schema


def _accept_object_header(schema: dict) -> None:
    """A Kubernetes object always has ``apiVersion``, ``kind`` and ``metadata``; the API
    server validates metadata itself, so any mapping is accepted here."""
    properties = schema.setdefault("properties", {})
    properties.update(_TOP_LEVEL)
    properties["metadata"] = {"type": "object"}


def convert_schema(node: dict, in_junctor: bool = False) -> dict:
    """One OpenAPI v3 schema node -> JSON Schema (draft 7).

    Under ``allOf``/``anyOf``/``oneOf``/``not`` a structural schema only adds value
    constraints (which fields are required together, for instance), never fields, so no
    ``additionalProperties`` is added there.
    """
    out: dict = {}
    for key, value in node.items():
        if key in _PLAIN or key in _KUBERNETES:
            out[key] = value
        elif key == VALIDATIONS and isinstance(value, list):
            rules = [
                {k: rule[k] for k in _RULE_FIELDS if k in rule}
                for rule in value
                if isinstance(rule, dict) and isinstance(rule.get("rule"), str)
            ]
            if rules:
                out[key] = rules
        elif key == "properties" and isinstance(value, dict):
            out[key] = {
                name: convert_schema(child, in_junctor)
                for name, child in value.items()
                if isinstance(child, dict)
            }
        elif key == "items" and isinstance(value, dict):
            out[key] = convert_schema(value, in_junctor)
        elif key == "additionalProperties":
            out[key] = convert_schema(value, in_junctor) if isinstance(value, dict) else value
        elif key in _JUNCTORS and isinstance(value, list):
            branches = [convert_schema(b, True) for b in value if isinstance(b, dict)]
            out[key] = branches
        elif key == "not" and isinstance(value, dict):
            out[key] = convert_schema(value, True)
    preserve = node.get("x-kubernetes-preserve-unknown-fields") is True
    if node.get("x-kubernetes-int-or-string") is True:
        out["type"] = ["integer", "string"]
        # The usual companion `anyOf: [{type: integer}, {type: string}]` says the same.
        if all(set(b) == {"type"} for b in out.get("anyOf", [{}])):
            out.pop("anyOf", None)
    elif preserve and "type" not in out:
        pass  # anything is accepted below this point
    if node.get("nullable") is True and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    if node.get("x-kubernetes-embedded-resource") is True and not in_junctor:
        _accept_object_header(out)
    is_object = out.get("type") == "object" or "properties" in out
    if is_object and not in_junctor and not preserve and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def dump_schema(schema: dict) -> str:
    """Compact, sorted JSON: the same input always gives the same bytes."""
    return json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def schema_path(root: Path, group: str, version: str, kind: str) -> Path:
    """Where the schema of a kind lives below ``root``: ``<group>/<version>/<kind>.json``."""
    return root / (group or "core") / version / f"{kind.lower()}.json"


def load_crds(texts: Iterable[str]) -> list[dict]:
    """Parse CRD YAML texts (PyYAML's C loader) and return the CRDs in them."""
    documents: list[object] = []
    for text in texts:
        documents.extend(yaml.load_all(text, Loader=yaml.CSafeLoader))
    return list(crd_documents(documents))


def write_schemas(crds: Iterable[dict], out: Path) -> list[Path]:
    """Convert ``crds`` and write one file per group/version/kind below ``out``."""
    written = []
    for crd in crds:
        for (group, version, kind), schema in sorted(convert_crd(crd).items()):
            target = schema_path(out, group, version, kind)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(dump_schema(schema), encoding="utf-8")
            written.append(target)
    return written
