"""The rules, one module each, in a folder per code range (``input/`` ML0xx, ``references/``
ML1xx, ... ``meta/`` ML9xx), and the registry that lists them.

Every rule is registered in one table, ``meshlint.rules.registry.CODES`` (code -> lifecycle
group and module); its docstring says how to add a rule. This package re-exports the
registry's lookups.
"""

from meshlint.rules.base import Group, Rule
from meshlint.rules.registry import (
    DEFAULT_RULES,
    RULES,
    deprecation_warnings,
    enabled_rules,
    find_rule,
    select_rules,
)

__all__ = [
    "DEFAULT_RULES",
    "RULES",
    "Group",
    "Rule",
    "deprecation_warnings",
    "enabled_rules",
    "find_rule",
    "select_rules",
]
