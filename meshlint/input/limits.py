"""Bounds that keep hostile input from exhausting time or memory (``Limits``), and the walk
that enforces the nesting and size bounds on text before it is composed (``prescan``).
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from meshlint.input.problems import ProblemKind, ProblemLog

__all__ = [
    "LIBYAML_MAX_NESTING",
    "Limits",
    "is_nesting_refusal",
    "may_exceed",
    "prescan",
    "too_deep",
    "too_deep_for_libyaml",
    "too_many_nodes",
]


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep hostile input from exhausting time or memory."""

    max_nodes_per_document: int = 1_000_000
    max_documents_per_file: int = 10_000
    max_depth: int = 400  # kept below libyaml's own limit, see LIBYAML_MAX_NESTING
    max_file_size: int = 10 * 1024 * 1024  # bytes
    # Problems of one kind (tags, duplicate keys) recorded per file before the rest are counted.
    max_problems_per_kind: int = 100


# Nesting is bounded by two things below meshlint's own limit, and text that could reach either
# is first walked event by event (no recursion, nothing kept) so that meshlint's limit is what
# refuses it, the same way on every libyaml build:
# - libyaml's C composer recurses once per level and overflows the C stack (a crash, not an
#   exception) somewhere past 25,000 levels on an 8 MiB stack (about 330 bytes a level);
# - libyaml 0.2.6 (bundled with PyYAML 6.0.4) refuses 1,000 levels and more ("exceeded maximum
#   nesting depth", MAX_NESTING_LEVEL, checked in its scanner too); 0.2.5 has no such limit.
#   Its scanner looks up to 1024 characters ahead for a simple key, so on one line of brackets
#   it refuses before the parser has passed meshlint's limit: see ``prescan``.
# Text under ``_PRESCAN_DEPTH`` characters cannot nest that deep (each level takes at least one
# character), nor can most manifests by the bound of ``may_exceed``; big text is walked anyway,
# to count its nodes before they are built.
LIBYAML_MAX_NESTING = 1_000
_PRESCAN_DEPTH = LIBYAML_MAX_NESTING - 100  # a margin for how a libyaml build counts levels
_PRESCAN_SIZE = 1024 * 1024
_NESTING_REFUSED = "exceeded maximum nesting depth"


def may_exceed(text: str) -> bool:
    """Could this text nest deeper than libyaml can take, or be big enough to need its nodes
    counted before they are built? An upper bound on nesting: one flow bracket per flow level,
    and block levels need a deeper column at least every second level."""
    size = len(text)
    if size <= _PRESCAN_DEPTH:
        return False
    if size > _PRESCAN_SIZE:
        return True
    brackets = text.count("[") + text.count("{")
    if brackets > _PRESCAN_DEPTH:
        return True
    widest = max(map(len, text.split("\n")))
    return brackets + 2 * widest + 2 > _PRESCAN_DEPTH


_OPEN = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_CLOSE = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
_LEAF = (yaml.ScalarEvent, yaml.AliasEvent)


class _NestingRefused(Exception):
    """libyaml's own nesting limit, met in ``document`` (its index) at ``mark``."""

    def __init__(self, mark: yaml.Mark, document: int) -> None:
        self.mark = mark
        self.document = document


def is_nesting_refusal(error: yaml.YAMLError) -> bool:
    return isinstance(error, yaml.MarkedYAMLError) and error.problem == _NESTING_REFUSED


def prescan(text: str, problems: ProblemLog, limits: Limits) -> int | None:
    """Walk the events (no recursion, nothing kept); return the index of the first document
    that nests too deep or has too many nodes, after reporting it, else None.

    Syntax errors are left for the composer to report with the documents before them. Where
    libyaml refuses the nesting itself, it may do so while its scanner looks ahead, before the
    events have passed meshlint's limit: the text before that point (which nests less than
    libyaml's limit, so it is not refused) is walked again to find where they do, as on a
    libyaml without the limit."""
    try:
        return _walk(text, problems, limits)
    except _NestingRefused as refused:
        try:
            stop = _walk(text[: refused.mark.index], problems, limits)
        except _NestingRefused:  # not expected: the text before it nests less deep
            stop = None
        if stop is None:  # meshlint's limit is not below libyaml's
            problems.add(ProblemKind.LIMIT, refused.mark, too_deep_for_libyaml())
            return refused.document
        return stop


def _walk(text: str, problems: ProblemLog, limits: Limits) -> int | None:
    parser = yaml.CSafeLoader(text)
    document = depth = -1
    nodes = 0
    in_document = False
    max_depth, max_nodes = limits.max_depth, limits.max_nodes_per_document
    try:
        while True:
            event = parser.get_event()
            if event is None or event.__class__ is yaml.StreamEndEvent:
                return None
            cls = event.__class__
            if cls in _OPEN:
                depth += 1
                nodes += 1
                if depth > max_depth:
                    problems.add(ProblemKind.LIMIT, event.start_mark, too_deep(limits))
                    return document
            elif cls in _CLOSE:
                depth -= 1
            elif cls in _LEAF:
                nodes += 1
            elif cls is yaml.DocumentStartEvent:
                document += 1
                depth, nodes = -1, 0
                in_document = True
            elif cls is yaml.DocumentEndEvent:
                in_document = False
            if nodes > max_nodes:
                problems.add(ProblemKind.LIMIT, event.start_mark, too_many_nodes(limits))
                return document
    except yaml.YAMLError as error:
        if is_nesting_refusal(error):
            mark = error.problem_mark or error.context_mark
            raise _NestingRefused(mark, document if in_document else document + 1) from None
        return None
    except ValueError:
        return None
    finally:
        parser.dispose()


def too_deep(limits: Limits, rest: str = "this document and the rest of the file are") -> str:
    return f"YAML nests deeper than {limits.max_depth} levels here; {rest} not analysed"


def too_deep_for_libyaml() -> str:
    return (
        f"YAML reaches libyaml's nesting limit of {LIBYAML_MAX_NESTING} levels here; this "
        "document and the rest of the file are not analysed"
    )


def too_many_nodes(limits: Limits) -> str:
    return (
        f"document has or expands to more than {limits.max_nodes_per_document} nodes (an "
        "alias bomb?); it is not analysed (raise --max-nodes)"
    )
