"""What every rule module declares, and the helpers rules use to report a finding.

A rule module has a docstring (why the rule exists, then ``## Bad`` and ``## Good`` YAML
examples), a ``RULE`` with its metadata, and ``check(mesh, options)`` that yields findings.
The registry (``meshlint.rules.registry``) gives each rule its lifecycle ``Group``.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import Enum
from types import ModuleType
from typing import TYPE_CHECKING, Any

from meshlint.config.options import Option
from meshlint.facts.memo import fact
from meshlint.findings import Edit, Finding, Fix, FixSafety, Location, Severity
from meshlint.input.resources import Resource, field_path

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = [
    "Edit",
    "FixSafety",
    "Group",
    "HostSuggestions",
    "Rule",
    "closest",
    "fix_for",
    "from_module",
    "quoted_list",
    "related",
    "report",
    "report_at",
    "suggest",
    "suggest_defined_host",
    "suggest_host",
]

_EXAMPLE = re.compile(r"^## (Bad|Good)\s*\n+```yaml\n(.*?)^```", re.M | re.S)


class Group(Enum):
    """Where a rule is in its life (ruff's ``RuleGroup``). A preview rule runs only when
    selected by its full code or name, or with ``--preview``; a stable rule runs unless
    deselected; a deprecated rule still runs, but is marked as such and selecting it by
    name or code warns that it will be removed."""

    PREVIEW = "preview"
    STABLE = "stable"
    DEPRECATED = "deprecated"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    # Kinds without which the rule cannot find anything: the engine skips it on a mesh that
    # holds none of them (compared by kind name). Empty: it runs on every mesh.
    kinds: tuple[str, ...] = ()
    # The kind of problem an earlier stage records that this rule reports: a reading problem's
    # ``ProblemKind``, a schema problem's ``SchemaProblemKind``, a layout note's ``NoteKind``.
    problem: Enum | None = None
    refs: tuple[str, ...] = ()
    # Declared with ``rule_option``; set in the config file as ``rules: {rule: {name: value}}``.
    options: tuple[Option, ...] = ()
    # The repairs the rule offers (``fix_for`` makes one, ``report(fix=...)`` attaches it);
    # the docstring's ``## Fix`` section says what they do.
    fix: FixSafety = FixSafety.NONE
    # False where the bad example cannot be YAML text (an undecodable or unreadable file);
    # such rules are tested with bytes and paths instead of their examples.
    examples_run: bool = True
    doc: str = ""
    check: Callable[..., Iterable[Finding]] | None = None
    group: Group = Group.STABLE  # set by the registry, not by the rule module
    # False for a rule that runs only when ``select`` names its code, a prefix of its code or
    # its name (a pack policy declared ``default: off``: a matter of taste, not an outage).
    enabled_by_default: bool = True
    # The policy file a declared rule was read from (``meshlint.rules.policies``); None for
    # a rule module.
    origin: str | None = None

    @property
    def defaults(self) -> dict[str, Any]:
        """The options' defaults by name: what ``check`` gets where the config sets none."""
        return {option.name: option.default for option in self.options}

    @property
    def why(self) -> str:
        """The documentation before the examples."""
        return self.doc.split("\n## ", 1)[0].strip()

    @property
    def examples(self) -> dict[str, str]:
        """``{"bad": yaml, "good": yaml}`` from the docstring."""
        return {m[1].lower(): m[2] for m in _EXAMPLE.finditer(self.doc)}


def from_module(module: ModuleType, group: Group = Group.STABLE) -> Rule:
    rule: Rule = module.RULE
    doc = inspect.cleandoc(module.__doc__ or "")
    return replace(rule, doc=doc, check=module.check, group=group)


def report(
    rule: Rule,
    resource: Resource,
    path: tuple[object, ...],
    message: str,
    related_to: Iterable[Location] = (),
    at: tuple[int, int] | None = None,
    field_name: str | None = None,
    fix: Fix | None = None,
) -> Finding:
    """A finding at ``path`` inside ``resource``; ``at`` (0-based) and ``field_name`` replace
    the position and field when the offending text is inside an embedded document. ``fix``
    is the repair (``fix_for``), which the rule must declare."""
    if fix is not None and (
        rule.fix is FixSafety.NONE or fix.safety.value not in _ALLOWS[rule.fix]
    ):
        raise ValueError(f"{rule.name} declares fix={rule.fix}, but offers a {fix.safety} fix")
    line, column = at if at is not None else resource.locate(path)
    return Finding(
        code=rule.code,
        rule=rule.name,
        severity=rule.severity,
        message=message,
        file=resource.source.path,
        line=line + 1,
        column=column + 1,
        resource=resource.ref,
        field=field_name or field_path(path) or None,
        refs=rule.refs,
        related=tuple(dict.fromkeys(related_to)),  # each place once
        fix=fix,
    )


# The safety of the fixes a rule may offer, by what it declares.
_ALLOWS = {
    FixSafety.SAFE: ("safe",),
    FixSafety.UNSAFE: ("unsafe",),
    FixSafety.MIXED: ("safe", "unsafe"),
}


def fix_for(resource: Resource, title: str, *edits: Edit, safe: bool = True) -> Fix | None:
    """A repair of ``resource`` made of ``edits`` (paths from its body). None for a resource
    read from standard input, which cannot be edited."""
    path = resource.source.path
    if not path or path in ("-", "<stdin>"):
        return None
    return Fix(
        file=path,
        document=resource.document,
        item=resource.item,
        edits=edits,
        safety=FixSafety.SAFE if safe else FixSafety.UNSAFE,
        title=title,
    )


def report_at(rule: Rule, file: str, line: int, column: int, message: str) -> Finding:
    """A finding at a 0-based position of a file, for problems that precede resources."""
    return Finding(
        code=rule.code,
        rule=rule.name,
        severity=rule.severity,
        message=message,
        file=file,
        line=line + 1,
        column=column + 1,
        refs=rule.refs,
    )


def related(resource: Resource, path: tuple[object, ...], message: str) -> Location:
    line, column = resource.locate(path)
    return Location(resource.source.path, line + 1, column + 1, message)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``word``, if it is a plausible typo of it."""
    # What ``difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)`` returns.
    return _nearest((candidate, candidate, word) for candidate in candidates)


def one_edit_away(word: str, candidates: Iterable[str]) -> str | None:
    """The only candidate one insertion, deletion or substitution away from ``word``, else
    None (none, or several: then a rewrite would be a guess). What a dangling reference's
    unsafe fix renames it to."""
    size = len(word)
    found = {c for c in candidates if abs(len(c) - size) <= 1 and _one_edit(word, c)}
    return found.pop() if len(found) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` (lengths at most one apart) exactly one edit apart?"""
    if len(a) > len(b):
        a, b = b, a
    start = 0  # skip the common start; what follows must agree after the one edit
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        return start < len(a) and a[start + 1 :] == b[start + 1 :]
    return a[start:] == b[start + 1 :]


def suggest(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'v1'?)`` for a near miss, else an empty string."""
    return _did_you_mean(closest(word, candidates))


class HostSuggestions:
    """Did-you-mean for host names, comparing only the labels that differ.

    Two names are compared without the labels they share at the end, then at the start:
    ``service3.default.svc.cluster.local`` and ``fortio.none.svc.cluster.local`` are scored
    on ``service3.default`` against ``fortio.none`` (no suggestion), not on two strings
    that agree in their long common suffix; ``reviewz.shop.svc.cluster.local`` is scored
    on ``reviewz`` against ``reviews`` (suggested). The score is difflib's ratio over those
    parts, with difflib's 0.6 cutoff. Built once for a set of names; each word is
    compared once (a host dangling in many routes is a copied typo)."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = [(name, name.split(".")) for name in dict.fromkeys(names)]
        self._found: dict[str, str | None] = {}

    def closest(self, word: str) -> str | None:
        if word not in self._found:
            labels = word.split(".")
            self._found[word] = _nearest(
                (name, *differing_labels(other, labels)) for name, other in self._names
            )
        return self._found[word]

    def suggest(self, word: str) -> str:
        return _did_you_mean(self.closest(word))


def suggest_host(word: str, names: Iterable[str]) -> str:
    """`` (did you mean 'reviews.shop.svc.cluster.local'?)`` for a host name, comparing the
    labels that differ (see ``HostSuggestions``), else an empty string."""
    return HostSuggestions(names).suggest(word)


def suggest_defined_host(mesh: Mesh, word: str) -> str:
    """``suggest_host`` over the hosts the mesh's Services and ServiceEntries define, indexed
    once per mesh for every rule that asks."""
    return _defined_hosts(mesh).suggest(word)


@fact
def _defined_hosts(mesh: Mesh) -> HostSuggestions:
    return HostSuggestions(mesh.hosts.names())


def differing_labels(a: list[str], b: list[str]) -> tuple[str, str]:
    """The dotted labels of ``a`` and ``b`` left once those they share at the end, then at
    the start, are removed."""
    shortest = min(len(a), len(b))
    end = 0
    while end < shortest and a[-1 - end] == b[-1 - end]:
        end += 1
    start = 0
    while start < shortest - end and a[start] == b[start]:
        start += 1
    return ".".join(a[start : len(a) - end]), ".".join(b[start : len(b) - end])


def _nearest(pairs: Iterable[tuple[str, str, str]]) -> str | None:
    """The candidate of the ``(candidate, compared, word)`` triples whose ``compared``
    scores best against ``word`` (difflib's ratio, at least 0.6; ties go to the greater
    candidate, as ``difflib.get_close_matches``). A candidate is compared in full only when
    its cheap upper bounds could still reach the best score so far: among many similar
    names (a namespace of a thousand Services) comparing every one in full made each
    suggestion cost milliseconds."""
    matchers: dict[str, difflib.SequenceMatcher] = {}
    best: tuple[float, str] | None = None
    for candidate, compared, word in pairs:
        matcher = matchers.get(word)
        if matcher is None:
            matcher = matchers[word] = difflib.SequenceMatcher()
            matcher.set_seq2(word)
        matcher.set_seq1(compared)
        floor = 0.6 if best is None else best[0]
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        score = matcher.ratio()
        if score >= 0.6 and (best is None or (score, candidate) > best):
            best = (score, candidate)
    return None if best is None else best[1]


def _did_you_mean(close: str | None) -> str:
    return f" (did you mean {close!r}?)" if close else ""


def quoted_list(
    items: Iterable[object], limit: int = 6, *, ordered: bool = False, quote: bool = True
) -> str:
    """Items for a message, each once: ``'a', 'b', 'c' and 47 more``.

    Sorted, unless ``ordered`` keeps them in the order given (the first occurrence of each:
    merge order, precedence); quoted with ``repr`` unless ``quote`` is false (names already
    shown in a form of their own, such as ``DestinationRule shop/reviews``, or numbers). At
    most ``limit`` are shown; the count of the rest follows."""
    unique = list(dict.fromkeys(items))
    if not ordered:
        unique.sort()  # type: ignore[call-overload]
    shown = ", ".join(repr(i) if quote else str(i) for i in unique[:limit])
    more = len(unique) - limit
    return shown + (f" and {more} more" if more > 0 else "")
