"""Configuration: ``.meshlint.yaml`` or ``[tool.meshlint]`` in ``pyproject.toml``.

The file is found by walking up from the working directory (or named with ``--config``),
validated against the JSON Schema shipped in ``meshlint/data/config.schema.json``, and turned
into ``Settings`` plus the engine's selection, severity and path options. Command-line options
override the file.

Adding a setting that rules read is one line in ``SETTINGS_KEYS`` (then regenerate the schema:
``python -m meshlint.config.file > meshlint/data/config.schema.json``; a test checks it is current).
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from meshlint.config.settings import Settings, parse_istio_version
from meshlint.input.yamlpos import ParseProblem, PosDict, locate, parse_documents
from meshlint.rules import RULES, Rule, find_rule, registry
from meshlint.rules.base import suggest
from meshlint.rules.policies import PolicyError, load_policies

__all__ = [
    "CONFIG_NAMES",
    "SETTINGS_KEYS",
    "Config",
    "ConfigError",
    "build_settings",
    "config_schema",
    "find_config",
    "load_config",
]

CONFIG_NAMES = (".meshlint.yaml", ".meshlint.yml")
PYPROJECT = "pyproject.toml"
SEVERITIES = ("error", "warning", "info")

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": {"type": "string"}}


@dataclass(frozen=True, slots=True)
class Key:
    """A config key that becomes a ``Settings`` field."""

    field: str
    schema: Mapping[str, Any]
    description: str
    convert: Callable[[Any], Any] = tuple


def _version(value: Any) -> tuple[int, int]:
    return parse_istio_version(str(value))


# config key -> Settings field. One line per setting.
SETTINGS_KEYS: dict[str, Key] = {
    "env": Key("env", _STRING, "treat every resource as this environment", str),
    "env-label-keys": Key("env_label_keys", _STRINGS, "labels that name the environment"),
    "production-values": Key("production_values", _STRINGS, "values meaning production"),
    "nonproduction-values": Key("nonproduction_values", _STRINGS, "values meaning not prod"),
    "production-paths": Key("production_paths", _STRINGS, "path globs of production files"),
    "istio-version": Key("istio_version", _STRING, "Istio release the mesh runs", _version),
    "namespace": Key("default_namespace", _STRING, "namespace of resources naming none", str),
    "cluster-domain": Key("cluster_domain", _STRING, "Kubernetes cluster domain", str),
    "root-namespace": Key("root_namespace", _STRING, "Istio's config root namespace", str),
    "system-namespaces": Key("system_namespaces", _STRINGS, "namespaces of the platform"),
    "known-hosts": Key("known_hosts", _STRINGS, "hosts that exist outside these files (globs)"),
    "known-gateways": Key("known_gateways", _STRINGS, "Gateways outside these files (ns/name)"),
    "known-namespaces": Key("known_namespaces", _STRINGS, "namespaces outside these files"),
    "known-workloads": Key(
        "known_workloads", _STRINGS, "workloads outside these files (namespace/label=value,...)"
    ),
    "whole-cluster": Key(
        "whole_cluster", {"type": "boolean"}, "the files are the whole cluster", bool
    ),
    "mesh-config": Key("mesh_config_file", _STRING, "Istio mesh config file", str),
    "schemas": Key("schemas_dir", _STRING, "JSON Schemas overriding the built-in ones", str),
}

# Keys the engine and the command line use (not rule settings).
RUN_KEYS: dict[str, tuple[Mapping[str, Any], str]] = {
    "paths": (_STRINGS, "manifest roots that form the context (relative to this file)"),
    "exclude": (_STRINGS, "globs of files never analysed"),
    "force-exclude": ({"type": "boolean"}, "apply exclude to files named on the command line"),
    "select": (_STRINGS, "only these rules: codes, code prefixes, names or ALL"),
    "ignore": (_STRINGS, "skip these rules"),
    "preview": ({"type": "boolean"}, "also run the rules in preview (see `meshlint rules`)"),
    "severity": (
        {"type": "object", "additionalProperties": {"enum": list(SEVERITIES)}},
        "severity per rule name, code or prefix",
    ),
    "per-file-ignores": (
        {"type": "object", "additionalProperties": {**_STRINGS, "minItems": 1}},
        "glob -> rules not reported for the files it matches",
    ),
    "fail-on": ({"enum": [*SEVERITIES, "never"]}, "lowest severity that fails the run"),
    "baseline": (_STRING, "baseline file: only findings not in it are reported"),
    "rules": (
        {"type": "object", "additionalProperties": {"type": "object"}},
        "per-rule options: rule name -> {option: value}",
    ),
    "rules-dirs": (
        _STRINGS,
        "directories (or files) of declared policies, each a rule (relative to this file)",
    ),
    "meshes": (_STRINGS, "globs of directories, each match one mesh (relative to this file)"),
    "shared": (_STRINGS, "globs of directories read as context by every mesh"),
    "render": ({"type": "boolean"}, "render kustomizations and Helm charts (default true)"),
    "kustomize-command": (
        _STRING,
        "renderer of kustomizations (default: kustomize build, else kubectl kustomize)",
    ),
    "helm-command": (_STRING, "renderer of Helm charts (default: helm)"),
    "helm-values": (
        {"type": "object", "additionalProperties": _STRINGS},
        "chart directory -> values files passed to helm template (relative to this file)",
    ),
    "render-timeout": (
        {"type": "number", "exclusiveMinimum": 0},
        "seconds one render may take (default 60)",
    ),
}


def config_schema() -> dict:
    """The JSON Schema of the config file, as shipped in ``meshlint/data``."""
    properties: dict[str, Any] = {}
    for name, (schema, description) in RUN_KEYS.items():
        properties[name] = {**schema, "description": description}
    for name, key in SETTINGS_KEYS.items():
        properties[name] = {**key.schema, "description": key.description}
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
    # The policies of ``rules-dirs`` and of the directories the command line adds.
    declared: tuple[Rule, ...] = ()

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule this configuration knows: the registered ones and its policies."""
        return (*registry.RULES, *self.declared)

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


def load_config(path: Path | None, rules_dirs: Sequence[str] = ()) -> Config:
    """Read and validate a config file; ``None`` gives the empty config. The policies of
    its ``rules-dirs`` and of ``rules_dirs`` (the command line's, relative to the working
    directory) are loaded with it: its rule names may name them."""
    if path is None:
        return Config(declared=_declared([], rules_dirs))
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    toml = path.name.endswith(".toml")
    data = (_read_pyproject(path) or {}) if toml else _read_yaml(path)
    declared = _validate(path, data, rules_dirs)
    return Config(path, _with_rule_names(data, (*RULES, *declared)), declared)


def _declared(config_dirs: Sequence[str], cli_dirs: Sequence[str]) -> tuple[Rule, ...]:
    try:
        return load_policies([*config_dirs, *cli_dirs], taken=RULES)
    except PolicyError as error:
        raise ConfigError(str(error)) from None


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
        raise ConfigError(f"{path}: expected a mapping of settings, not {_type_name(data)}")
    return data


def _where(path: Path, data: object, keys: tuple[object, ...]) -> str:
    dotted = ".".join(str(k) for k in keys)
    if isinstance(data, PosDict):
        line, column = locate(data, keys)
        return f"{path}:{line + 1}:{column + 1}: {dotted}" if dotted else f"{path}:{line + 1}"
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


def _type_name(value: object) -> str:
    kind = _kind(value)
    if kind in ("number", "string"):
        return f"the {kind} {value!r}"
    return {"list": "a list", "mapping": "a mapping", "null": "nothing"}.get(kind, f"a {kind}")


def _validate(path: Path, data: dict, rules_dirs: Sequence[str] = ()) -> tuple[Rule, ...]:
    """Check ``data`` against the schema, load the policies it and ``rules_dirs`` name,
    then check its rule names against every rule; the policies loaded."""
    schema = shipped_schema()
    if _quickly_valid(schema, data):
        return _validate_known(path, data, rules_dirs)
    from jsonschema import Draft202012Validator  # its errors make the detailed messages

    errors = sorted(
        Draft202012Validator(schema).iter_errors(data), key=lambda e: [str(p) for p in e.path]
    )
    messages = [_schema_message(path, data, error, schema) for error in errors]
    if messages:
        raise ConfigError("\n".join(messages))
    return _validate_known(path, data, rules_dirs)


def _validate_known(path: Path, data: dict, rules_dirs: Sequence[str]) -> tuple[Rule, ...]:
    """What the schema cannot know, for data the schema accepts."""
    declared = _declared([str(path.parent / d) for d in data.get("rules-dirs", ())], rules_dirs)
    messages = _semantic_errors(path, data, (*RULES, *declared))
    if messages:
        raise ConfigError("\n".join(messages))
    return declared


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
            f"{_where(path, data, (*keys, k))}: unknown key {k!r}{suggest(str(k), allowed)}"
            for k in unknown
        )
    if error.validator == "enum":
        choices = error.validator_value
        return (
            f"{_where(path, data, keys)}: {_type_name(instance)} is not one of "
            f"{', '.join(map(repr, choices))}{suggest(str(instance), choices)}"
        )
    if error.validator == "type":
        hint = ""
        if keys and keys[-1] == "istio-version" and isinstance(instance, (int, float)):
            hint = ' (quote it: "1.20" is a string, 1.20 is the number 1.2)'
        return (
            f"{_where(path, data, keys)}: expected {error.validator_value}, "
            f"not {_type_name(instance)}{hint}"
        )
    return f"{_where(path, data, keys)}: {error.message}"


def _semantic_errors(path: Path, data: dict, rules: tuple[Rule, ...] = RULES) -> list[str]:
    """What the schema cannot know: rule names (among ``rules``), option names and types,
    versions."""
    from meshlint.rules import select_rules

    names = [key for rule in rules for key in (rule.name, rule.code)]
    messages = []
    for section in ("select", "ignore"):
        for index, token in enumerate(data.get(section, ())):
            try:
                select_rules([token], rules=rules)
            except ValueError:
                where = _where(path, data, (section, index))
                messages.append(f"{where}: unknown rule {token!r}{suggest(token, names)}")
    for section in ("severity", "per-file-ignores"):
        for key, value in data.get(section, {}).items():
            tokens = [key] if section == "severity" else value
            for token in tokens:
                try:
                    select_rules([token], rules=rules)
                except ValueError:
                    where = _where(path, data, (section, key))
                    messages.append(f"{where}: unknown rule {token!r}{suggest(token, names)}")
    for rule_key, options in data.get("rules", {}).items():
        rule = find_rule(rule_key, rules)
        if rule is None:
            where = _where(path, data, ("rules", rule_key))
            messages.append(f"{where}: unknown rule {rule_key!r}{suggest(rule_key, names)}")
            continue
        for name, value in options.items():
            where = _where(path, data, ("rules", rule_key, name))
            if name not in rule.options:
                declared = ", ".join(map(repr, rule.options)) or "none"
                messages.append(
                    f"{where}: rule {rule.name} has no option {name!r}"
                    f"{suggest(name, rule.options)} (its options: {declared})"
                )
            elif not _same_type(rule.options[name], value):
                messages.append(
                    f"{where}: expected a {_kind(rule.options[name])}"
                    f" like the default {rule.options[name]!r}, not {_type_name(value)}"
                )
    if "istio-version" in data:
        try:
            parse_istio_version(str(data["istio-version"]))
        except ValueError as error:
            messages.append(f"{_where(path, data, ('istio-version',))}: {error}")
    return messages


def _same_type(default: object, value: object) -> bool:
    if default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    if isinstance(default, (list, tuple)):
        return isinstance(value, list)
    return isinstance(value, type(default))


def _with_rule_names(data: dict, rules: tuple[Rule, ...] = RULES) -> dict:
    """Per-rule options keyed by rule name, whether the file used names or codes."""
    values = dict(data)
    if "rules" in values:
        values["rules"] = {find_rule(k, rules).name: dict(v) for k, v in values["rules"].items()}
    return values


def build_settings(config: Config, overrides: Mapping[str, Any]) -> Settings:
    """``Settings`` from the config file, with command-line ``overrides`` (config key ->
    value, ``None`` meaning "not given") taking precedence."""
    values = dict(config.values)
    values.update({k: v for k, v in overrides.items() if v is not None})
    kwargs: dict[str, Any] = {}
    for name, key in SETTINGS_KEYS.items():
        if name in values:
            try:
                kwargs[key.field] = key.convert(values[name])
            except ValueError as error:
                raise ConfigError(f"{name}: {error}") from None
    schemas = kwargs.get("schemas_dir")
    if schemas and overrides.get("schemas") is None and config.root:
        kwargs["schemas_dir"] = str(config.root / schemas)  # relative to the config file
    kwargs["rule_options"] = values.get("rules", {})
    return Settings(**kwargs)


if __name__ == "__main__":  # regenerate the shipped schema
    json.dump(config_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
