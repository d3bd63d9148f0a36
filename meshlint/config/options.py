"""Options, each declared once: its name, type, default and help, and how it is written in the
config file and on the command line (pylint declares its options the same way, and derives the
flag, the rcfile key and the docs from them; yamllint validates a rule's options from its
declared defaults).

A setting is a field of a frozen dataclass (``Settings``, what rules read;
``EngineSettings``, what the engine reads), declared with ``option(...)``::

    cluster_domain: str = option(
        "cluster.local", "Kubernetes cluster domain", flag="--cluster-domain"
    )

and ``declared(Settings)`` gives its ``Option`` records, from which the config keys and their
conversion (``config.file``), the config JSON Schema, the command-line flags
(``cli.flags``) and the docs table (``outputs.settings_docs``) are made. A rule's options are
``Option`` records too (``rule_option``), checked when the config file sets them.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import cache
from typing import Any

__all__ = [
    "MAPPING",
    "NUMBER",
    "POSITIVE_NUMBER",
    "SWITCH",
    "TEXT",
    "TEXTS",
    "Kind",
    "Option",
    "choice",
    "declared",
    "mapping",
    "option",
    "rule_option",
    "strings_schema",
]


def _same(value: Any) -> Any:
    return value


# JSON Schema types and the Python values the config file's YAML or TOML gives for them.
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "array": (list, tuple),
    "object": (dict,),
}


@dataclass(frozen=True)
class Kind:
    """How an option's value is written: its JSON Schema, its name (in the docs and in
    messages), and the conversion of a written value (from the config file or the command
    line) to the value the code reads."""

    name: str
    schema: Mapping[str, Any]
    convert: Callable[[Any], Any] = _same  # raises ValueError for a value it cannot read
    show: Callable[[Any], str] | None = None  # a default as the docs show it

    @property
    def choices(self) -> tuple[str, ...] | None:
        enum = self.schema.get("enum")
        return tuple(enum) if enum is not None else None

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has this kind's JSON type (or is one of its choices)."""
        if self.choices is not None:
            return value in self.choices
        types = _PYTHON_TYPES.get(self.schema.get("type", ""), (object,))
        if isinstance(value, bool) and bool not in types:
            return False
        return isinstance(value, types)


_STRINGS_SCHEMA = {"type": "array", "items": {"type": "string"}}

TEXT = Kind("string", {"type": "string"}, str)
TEXTS = Kind("list of strings", _STRINGS_SCHEMA, tuple)
SWITCH = Kind("boolean", {"type": "boolean"}, bool)
NUMBER = Kind("number", {"type": "number"})
POSITIVE_NUMBER = Kind("number", {"type": "number", "exclusiveMinimum": 0}, float)
MAPPING = Kind("mapping", {"type": "object"}, dict)


def choice(*values: str) -> Kind:
    """One of ``values``; on the command line, argparse's ``choices``."""
    return Kind("one of " + ", ".join(values), {"enum": list(values)}, str)


def mapping(values: Mapping[str, Any], name: str) -> Kind:
    """A mapping whose values each match the JSON Schema ``values``."""
    return Kind(name, {"type": "object", "additionalProperties": dict(values)}, dict)


def strings_schema(**more: Any) -> dict[str, Any]:
    """The JSON Schema of a list of strings, with ``more`` constraints."""
    return {**_STRINGS_SCHEMA, **more}


@dataclass(frozen=True)
class Option:
    """One option, declared once."""

    name: str  # the dataclass field (a rule option's name)
    default: Any
    help: str  # what it does: the config key's description, and the docs
    kind: Kind
    key: str  # the config key (for a rule option: under ``rules: {rule: {...}}``)
    flag: str | None = None  # the command-line flag; None: config file only
    metavar: str | None = None  # None: argparse's (the flag's name in capitals)
    flag_help: str | None = None  # where the flag words it otherwise (--known-host: one host)
    flag_value: Any = True  # what a switch flag sets (--no-render sets render to false)
    split: bool = True  # a list flag's values are comma-separated (repeatable either way)
    adds: bool = False  # a list flag adds to the default instead of replacing it
    relative: bool = False  # a path in the config file is relative to the file's directory
    # Checks a flag's value when the command line is read: the problem, or None.
    flag_check: Callable[[str], str | None] | None = None
    doc: str = ""  # the docs table's meaning (Markdown) where it says more than ``help``

    @property
    def dest(self) -> str | None:
        """The attribute argparse stores the flag's value in (what it derives from the flag)."""
        return self.flag.removeprefix("--").replace("-", "_") if self.flag else None


_DECLARATION = "meshlint.option"


def option(
    default: Any,
    help: str,
    *,
    key: str | None = None,
    kind: Kind | None = None,
    flag: str | None = None,
    metavar: str | None = None,
    flag_help: str | None = None,
    flag_value: Any = True,
    split: bool = True,
    adds: bool = False,
    relative: bool = False,
    flag_check: Callable[[str], str | None] | None = None,
    doc: str = "",
) -> Any:
    """A dataclass field declared as an option. The config key is the field's name with
    dashes unless ``key`` says otherwise; the kind follows from the field's type (``str``,
    ``tuple[str, ...]``, ``bool``, optionally ``| None``) unless ``kind`` says otherwise."""
    declaration = {
        "key": key,
        "kind": kind,
        "flag": flag,
        "metavar": metavar,
        "flag_help": flag_help,
        "flag_value": flag_value,
        "split": split,
        "adds": adds,
        "relative": relative,
        "flag_check": flag_check,
        "doc": doc,
    }
    metadata = {_DECLARATION: (help, declaration)}
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


_KINDS_BY_TYPE: dict[Any, Kind] = {
    str: TEXT,
    str | None: TEXT,
    tuple[str, ...]: TEXTS,
    tuple[str, ...] | None: TEXTS,
    bool: SWITCH,
}


@cache
def declared(cls: type) -> tuple[Option, ...]:
    """The options a dataclass declares with ``option(...)``, in field order."""
    hints = typing.get_type_hints(cls)
    options = []
    for item in fields(cls):
        if _DECLARATION not in item.metadata:
            continue
        help, declared_as = item.metadata[_DECLARATION]
        more = dict(declared_as)
        kind = more.pop("kind") or _KINDS_BY_TYPE.get(hints[item.name])
        if kind is None:
            raise TypeError(f"{cls.__name__}.{item.name}: say which kind of option it is")
        key = more.pop("key") or item.name.replace("_", "-")
        default = item.default if item.default is not MISSING else item.default_factory()
        options.append(Option(item.name, default, help, kind, key, **more))
    return tuple(options)


def rule_option(name: str, default: Any, kind: Kind, help: str) -> Option:
    """An option of a rule, set in the config file as ``rules: {rule: {name: value}}``."""
    return Option(name, default, help, kind, key=name)
