"""The config keys that name rules (``select``, ``ignore``, ``severity``, ``per-file-ignores``)
or set their options (``rules``), checked against the rule registry. ``meshlint.config.file``
reads and checks everything else; it knows no rules, so ``load_config`` takes these checks
from here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from meshlint.config.file import Config, load_config, type_name
from meshlint.rules import RULES, find_rule, select_rules
from meshlint.rules.base import suggest

__all__ = ["load_project_config", "rule_key_errors"]


def load_project_config(path: Path | None) -> Config:
    """A config file read and checked, rule names included; per-rule options are keyed by
    rule name, whether the file used names or codes."""
    config = load_config(path, rule_key_errors)
    if "rules" not in config.values:
        return config
    by_name = {find_rule(key).name: dict(value) for key, value in config.values["rules"].items()}
    return Config(config.path, {**config.values, "rules": by_name})


def _rule_names() -> list[str]:
    return [key for rule in RULES for key in (rule.name, rule.code)]


def _known(token: str) -> bool:
    try:
        select_rules([token])
    except ValueError:
        return False
    return True


def rule_key_errors(data: dict, where: Callable[[tuple[object, ...]], str]) -> list[str]:
    """Unknown rules, and rule options that are not declared or not of their declared kind;
    ``where(keys)`` names the place in the file."""
    messages = []

    def unknown(token: str, keys: tuple[object, ...]) -> None:
        messages.append(f"{where(keys)}: unknown rule {token!r}{suggest(token, _rule_names())}")

    for section in ("select", "ignore"):
        for index, token in enumerate(data.get(section, ())):
            if not _known(token):
                unknown(token, (section, index))
    for section in ("severity", "per-file-ignores"):
        for key, value in data.get(section, {}).items():
            for token in [key] if section == "severity" else value:
                if not _known(token):
                    unknown(token, (section, key))
    for rule_key, options in data.get("rules", {}).items():
        rule = find_rule(rule_key)
        if rule is None:
            unknown(rule_key, ("rules", rule_key))
            continue
        declared = {option.name: option for option in rule.options}
        for name, value in options.items():
            here = where(("rules", rule_key, name))
            option = declared.get(name)
            if option is None:
                names = ", ".join(map(repr, declared)) or "none"
                messages.append(
                    f"{here}: rule {rule.name} has no option {name!r}"
                    f"{suggest(name, declared)} (its options: {names})"
                )
            elif not option.kind.accepts(value):
                messages.append(
                    f"{here}: expected a {option.kind.name}"
                    f" like the default {option.default!r}, not {type_name(value)}"
                )
    return messages
