"""The config keys that name rules (``select``, ``ignore``, ``severity``, ``per-file-ignores``)
or set their options (``rules``), checked against the rule registry and the policies the
config's ``rules-dirs`` (and ``--rules``) declare. ``meshlint.config.file`` reads and checks
everything else; it knows no rules, so ``load_config`` takes these checks from here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from meshlint.config.file import Config, load_config, type_name
from meshlint.rules import RULES, Rule, find_rule, registry, select_rules
from meshlint.rules.base import suggest
from meshlint.rules.policies import PolicyError, load_policies

__all__ = ["load_project", "load_project_config", "rule_key_errors"]


def load_project(
    path: Path | None, rules_dirs: Sequence[str] = ()
) -> tuple[Config, tuple[Rule, ...]]:
    """A config file read and checked, rule names included, and the policies of its
    ``rules-dirs`` (relative to it) and of ``rules_dirs`` (the command line's). Per-rule
    options are keyed by rule name, whether the file used names or codes. A policy file that
    cannot be read is a ``ConfigError`` like the config's own problems."""
    declared: list[Rule] = []

    def check(data: dict, where: Callable[[tuple[object, ...]], str]) -> list[str]:
        config_dirs = [str(path.parent / d) for d in data.get("rules-dirs", ())] if path else []
        try:
            declared[:] = load_policies([*config_dirs, *rules_dirs], taken=registry.RULES)
        except PolicyError as error:
            return str(error).splitlines()
        return rule_key_errors(data, where, (*registry.RULES, *declared))

    config = load_config(path, check)
    if path is None and rules_dirs:
        errors = check({}, lambda keys: "")
        if errors:
            from meshlint.config.file import ConfigError

            raise ConfigError("\n".join(errors))
    known = (*registry.RULES, *declared)
    if "rules" not in config.values:
        return config, tuple(declared)
    by_name = {
        find_rule(key, known).name: dict(value) for key, value in config.values["rules"].items()
    }
    return Config(config.path, {**config.values, "rules": by_name}), tuple(declared)


def load_project_config(path: Path | None) -> Config:
    """``load_project``'s config, for callers that need no policies."""
    return load_project(path)[0]


def _known(token: str, rules: tuple[Rule, ...]) -> bool:
    try:
        select_rules([token], rules=rules)
    except ValueError:
        return False
    return True


def rule_key_errors(
    data: dict,
    where: Callable[[tuple[object, ...]], str],
    rules: tuple[Rule, ...] | None = None,
) -> list[str]:
    """Unknown rules (among ``rules``, default: the registered ones), and rule options that
    are not declared or not of their declared kind; ``where(keys)`` names the place in the
    file."""
    rules = RULES if rules is None else rules
    names = [key for rule in rules for key in (rule.name, rule.code)]
    messages = []

    def unknown(token: str, keys: tuple[object, ...]) -> None:
        messages.append(f"{where(keys)}: unknown rule {token!r}{suggest(token, names)}")

    for section in ("select", "ignore"):
        for index, token in enumerate(data.get(section, ())):
            if not _known(token, rules):
                unknown(token, (section, index))
    for section in ("severity", "per-file-ignores"):
        for key, value in data.get(section, {}).items():
            for token in [key] if section == "severity" else value:
                if not _known(token, rules):
                    unknown(token, (section, key))
    for rule_key, options in data.get("rules", {}).items():
        rule = find_rule(rule_key, rules)
        if rule is None:
            unknown(rule_key, ("rules", rule_key))
            continue
        declared = {option.name: option for option in rule.options}
        for name, value in options.items():
            here = where(("rules", rule_key, name))
            option = declared.get(name)
            if option is None:
                names_ = ", ".join(map(repr, declared)) or "none"
                messages.append(
                    f"{here}: rule {rule.name} has no option {name!r}"
                    f"{suggest(name, declared)} (its options: {names_})"
                )
            elif not option.kind.accepts(value):
                messages.append(
                    f"{here}: expected a {option.kind.name}"
                    f" like the default {option.default!r}, not {type_name(value)}"
                )
    return messages
