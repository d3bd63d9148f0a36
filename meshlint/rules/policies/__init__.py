"""Declared rules (policies): YAML files, each an instance of one template.

A policy file (``format.py``) says which resources it looks at and what each must satisfy;
``as_rule`` makes it a ``Rule`` whose ``check`` is the template (``evaluate.py``), so the
engine, the selection, suppressions, severities, the baseline, every output format,
``meshlint explain`` and the rule pages treat it as any other rule. The pack shipped with
meshlint lives in the repository's top-level ``rules/`` (``meshlint/_data/rules`` in a wheel)
and joins the registry's table; a team's own policies are loaded for a run from the
directories the config's ``rules-dirs`` or ``--rules`` name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from meshlint.rules.base import Rule
from meshlint.rules.policies.evaluate import evaluate
from meshlint.rules.policies.format import PolicyError, PolicySpec, read_policy

__all__ = [
    "PolicyError",
    "PolicySpec",
    "as_rule",
    "load_policies",
    "load_specs",
    "pack_dir",
    "pack_rules",
    "policy_files",
]

_PACKAGE = Path(__file__).resolve().parent.parent.parent


def pack_dir() -> Path | None:
    """The shipped pack: the wheel's copy, else the source checkout's top-level ``rules/``."""
    for candidate in (_PACKAGE / "_data" / "rules", _PACKAGE.parent / "rules"):
        if candidate.is_dir():
            return candidate
    return None


def policy_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``*.yaml`` and ``*.yml`` files named, or found below the directories named, in
    name order."""
    found: list[Path] = []
    for entry in map(Path, paths):
        if entry.is_dir():
            found += sorted(p for p in entry.rglob("*") if p.suffix in (".yaml", ".yml"))
        else:
            found.append(entry)
    return found


def load_policies(
    paths: Iterable[str | Path], taken: Iterable[Rule] = (), pack: bool = False
) -> tuple[Rule, ...]:
    """The policies in ``paths`` (files or directories) as rules, in code order. A code or
    name that another policy or a rule of ``taken`` already has is an error, as is every
    problem of every file (all reported at once in one ``PolicyError``)."""
    return tuple(rule for _, rule in load_specs(paths, taken, pack))


def load_specs(
    paths: Iterable[str | Path], taken: Iterable[Rule] = (), pack: bool = False
) -> list[tuple[PolicySpec, Rule]]:
    """``load_policies``, with each rule's policy (its examples, for ``meshlint rules
    test``)."""
    codes = {rule.code: rule.origin or "meshlint" for rule in taken}
    names = {rule.name: rule.origin or "meshlint" for rule in taken}
    rules, messages = [], []
    for path in policy_files(paths):
        if not path.is_file():
            messages.append(f"{path}: no such policy file or directory")
            continue
        try:
            spec = read_policy(path, pack)
        except PolicyError as error:
            messages.append(str(error))
            continue
        for key, seen, what in ((spec.code, codes, "code"), (spec.name, names, "name")):
            if key in seen:
                messages.append(f"{path}: {what} {key!r} is already used by {seen[key]}")
        codes.setdefault(spec.code, str(path))
        names.setdefault(spec.name, str(path))
        rules.append((spec, as_rule(spec, shown=f"rules/{path.name}" if pack else str(path))))
    if messages:
        raise PolicyError("\n".join(messages))
    return sorted(rules, key=lambda pair: pair[1].code)


def pack_rules() -> tuple[Rule, ...]:
    """The shipped pack's policies."""
    directory = pack_dir()
    return load_policies([directory], pack=True) if directory is not None else ()


def as_rule(spec: PolicySpec, shown: str | None = None) -> Rule:
    """A policy as a ``Rule``: its metadata from the file, its ``check`` the template bound
    to it. ``shown`` is the file's name on the rule page (default: its path)."""
    base = Rule(
        code=spec.code,
        name=spec.name,
        severity=spec.severity,
        summary=spec.summary,
        kinds=spec.match.kinds,
        doc=_doc(spec, shown or spec.path),
        enabled_by_default=spec.enabled_by_default,
        origin=spec.path,
    )
    return replace(base, check=partial(evaluate, spec, base))


def _doc(spec: PolicySpec, shown: str) -> str:
    """The rule's documentation in a rule module's docstring shape: what and why, ``## Bad``
    and ``## Good`` (the first example of each), the policy's definition and references."""
    parts = [spec.description or spec.summary]
    for heading, examples in (("Bad", spec.bad), ("Good", spec.good)):
        if examples:
            text = examples[0].text
            parts.append(f"## {heading}\n\n```yaml\n{text.rstrip()}\n```")
    parts.append(
        f"## Policy\n\nA declared rule, the policy file `{shown}` (see "
        f"[Policies](../policies.md)). What it matches and asserts:\n\n"
        f"```yaml\n{spec.definition.rstrip()}\n```"
    )
    if spec.references:
        parts.append("## References\n\n" + "\n".join(f"- <{url}>" for url in spec.references))
    return "\n\n".join(parts)
