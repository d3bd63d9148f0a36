"""Configuration: ``.meshlint.yaml`` or ``[tool.meshlint]`` in ``pyproject.toml``.

The file is found by walking up from the working directory (or named with ``--config``),
validated against the JSON Schema shipped in ``meshlint/data/config.schema.json``, and turned
into ``Settings`` (what rules read) and ``EngineSettings`` (what the engine reads).
Command-line options override the file.

Every key is a declared option (``meshlint.config.settings``); the schema is made from them
(regenerate it with ``python -m meshlint.config.file > meshlint/data/config.schema.json``; a
test checks it is current). The keys that name rules are checked by the engine, which knows
the rules, through ``load_config``'s ``check``.
"""

from __future__ import annotations

import difflib
import json
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from meshlint.config.options import Option, declared
from meshlint.config.settings import EngineSettings, Settings
from meshlint.input.yamlpos import ParseProblem, PosDict, locate, locate_key, parse_documents

__all__ = [
    "CONFIG_NAMES",
    "OPTIONS",
    "Check",
    "Config",
    "ConfigError",
    "build_engine_settings",
    "build_settings",
    "config_schema",
    "find_config",
    "load_config",
    "type_name",
    "where_in_file",
]

CONFIG_NAMES = (".meshlint.yaml", ".meshlint.yml")
PYPROJECT = "pyproject.toml"

# Every config key: what the engine reads, then what the rules read.
OPTIONS: tuple[Option, ...] = (*declared(EngineSettings), *declared(Settings))

# More checks of a config's values: (the file's data, where(keys) -> "file:line:col: key")
# -> messages.
Check = Callable[[dict, Callable[[tuple[object, ...]], str]], list[str]]


def config_schema() -> dict:
    """The JSON Schema of the config file, as shipped in ``meshlint/data``."""
    properties = {o.key: {**o.kind.schema, "description": o.help} for o in OPTIONS}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "meshlint configuration (.meshlint.yaml or [tool.meshlint])",
        "type": "object",
        "additionalProperties": False,
        "properties": dict(sorted(properties.items())),
    }


@cache
def shipped_schema() -> dict:
    text = resources.files("meshlint").joinpath("data", "config.schema.json").read_text()
    return json.loads(text)


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file and key."""


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def find_config(start: Path) -> Path | None:
    """The nearest ``.meshlint.yaml`` (or a ``pyproject.toml`` with ``[tool.meshlint]``)
    in ``start`` or a directory above it."""
    start = start.resolve()
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _read_pyproject(pyproject) is not None:
            return pyproject
    return None


def load_config(path: Path | None, check: Check | None = None) -> Config:
    """Read and validate a config file; ``None`` gives the empty config. ``check`` adds the
    checks this module cannot make (the engine's: rule names and rule options); its messages
    come first."""
    if path is None:
        return Config()
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    toml = path.name.endswith(".toml")
    data = (_read_pyproject(path) or {}) if toml else _read_yaml(path)
    _validate(path, data, check)
    return Config(path, dict(data))


def _read_pyproject(path: Path) -> dict | None:
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    section = document.get("tool", {}).get("meshlint")
    return section if isinstance(section, dict) else None


def _read_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    problems: list[ParseProblem] = []
    documents = [value for value, _, _ in parse_documents(text, problems)]
    if problems:
        problem = problems[0]
        raise ConfigError(f"{path}:{problem.line + 1}:{problem.column + 1}: {problem.message}")
    if len(documents) > 1:
        raise ConfigError(f"{path}: expected one YAML document, found {len(documents)}")
    data = documents[0] if documents else None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings, not {type_name(data)}")
    return data


def where_in_file(path: Path, data: object, keys: tuple[object, ...], key: bool = False) -> str:
    """``file:line:column: dotted.key`` for an error in a YAML settings or policy file: at the
    key itself when ``key``, else at its value (a scalar) or its key (a mapping or list)."""
    dotted = ".".join(str(k) for k in keys)
    if isinstance(data, PosDict):
        at = locate_key(data, keys) if key and keys else None
        line, column = at or locate(data, keys)
        where = f"{path}:{line + 1}:{column + 1}"
        return f"{where}: {dotted}" if dotted else where
    section = "tool.meshlint" if path.name.endswith(".toml") else ""
    return f"{path}: {'.'.join(p for p in (section, dotted) if p) or 'top level'}"


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "null" if value is None else type(value).__name__


def type_name(value: object) -> str:
    """``value`` as a message names it: ``the string '5'``, ``a list``, ``nothing``."""
    kind = _kind(value)
    if kind == "boolean":
        return f"the boolean {str(value).lower()}"
    if kind in ("number", "string"):
        return f"the {kind} {value!r}"
    return {"list": "a list", "mapping": "a mapping", "null": "nothing"}.get(kind, f"a {kind}")


def _suggest(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _validate(path: Path, data: dict, check: Check | None) -> None:
    schema = shipped_schema()
    if _quickly_valid(schema, data):
        messages = _semantic_errors(path, data, check)
        if messages:
            raise ConfigError("\n".join(messages))
        return
    from jsonschema import Draft202012Validator  # its errors make the detailed messages

    errors = sorted(
        Draft202012Validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.path]
    )
    messages = [_schema_message(path, data, error, schema) for error in errors]
    if not messages:
        messages = _semantic_errors(path, data, check)
    if messages:
        raise ConfigError("\n".join(messages))


def _quickly_valid(schema: dict, data: dict) -> bool:
    """The common case, a valid config, without importing jsonschema (a fifth of a
    second); jsonschema-rs is a dependency, and without it the full check runs."""
    try:
        import jsonschema_rs
    except ImportError:
        return False
    return jsonschema_rs.validator_for(schema).is_valid(data)


def _schema_message(path: Path, data: dict, error, schema: dict) -> str:
    keys = tuple(error.absolute_path)
    instance = error.instance
    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        unknown = [k for k in instance if k not in allowed]
        return "\n".join(
            f"{where_in_file(path, data, (*keys, k))}: unknown key {k!r}{_suggest(str(k), allowed)}"
            for k in unknown
        )
    if error.validator == "enum":
        choices = error.validator_value
        return (
            f"{where_in_file(path, data, keys)}: {type_name(instance)} is not one of "
            f"{', '.join(map(repr, choices))}{_suggest(str(instance), choices)}"
        )
    if error.validator == "type":
        hint = ""
        if keys and keys[-1] == "istio-version" and isinstance(instance, (int, float)):
            hint = ' (quote it: "1.20" is a string, 1.20 is the number 1.2)'
        return (
            f"{where_in_file(path, data, keys)}: expected {error.validator_value}, "
            f"not {type_name(instance)}{hint}"
        )
    return f"{where_in_file(path, data, keys)}: {error.message}"


def _semantic_errors(path: Path, data: dict, check: Check | None) -> list[str]:
    """What the schema cannot know: ``check``'s (rule names and options), then the values
    their option cannot read (an Istio version that is no version)."""
    messages = check(data, lambda keys: where_in_file(path, data, keys)) if check else []
    for option in OPTIONS:
        if option.key in data:
            try:
                option.kind.convert(data[option.key])
            except ValueError as error:
                messages.append(f"{where_in_file(path, data, (option.key,))}: {error}")
    return messages


Built = TypeVar("Built", Settings, EngineSettings)


def _build(cls: type[Built], config: Config, overrides: Mapping[str, Any]) -> Built:
    """``cls`` from the config file, with command-line ``overrides`` (config key -> value,
    ``None`` meaning "not given") taking precedence over it, and the declared defaults for
    the rest."""
    values: dict[str, Any] = {}
    for option in declared(cls):
        given = overrides.get(option.key)
        from_file = given is None and option.key in config.values
        if given is None and not from_file:
            continue
        try:
            value = option.kind.convert(config.values[option.key] if from_file else given)
        except ValueError as error:
            raise ConfigError(f"{option.key}: {error}") from None
        if option.relative and from_file and value and config.root:
            value = str(config.root / value)  # relative to the config file
        values[option.name] = value
    return cls(**values)


def build_settings(config: Config, overrides: Mapping[str, Any]) -> Settings:
    """The ``Settings`` the rules read (see ``_build``)."""
    return _build(Settings, config, overrides)


def build_engine_settings(config: Config, overrides: Mapping[str, Any]) -> EngineSettings:
    """The ``EngineSettings`` the engine reads (see ``_build``)."""
    return _build(EngineSettings, config, overrides)


if __name__ == "__main__":  # regenerate the shipped schema
    json.dump(config_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
