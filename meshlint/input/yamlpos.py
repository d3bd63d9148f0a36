"""YAML documents with positions: PyYAML's C composer, then one pass that builds plain
Python values and records where every key, value and list item stands.

Mappings and sequences come back as ``PosDict`` and ``PosList``: ordinary ``dict`` and
``list`` objects that also carry a flat table of 0-based (line, column) pairs, so rules work
with plain data and a finding can still point at the field's own line.

Nothing is ever constructed from a tag: custom tags (``!Ref``) and Python tags
(``!!python/object``) keep their plain value and are reported. Aliases are shared, not copied,
and the size of what they would expand to is counted, so an alias bomb is refused instead of
being evaluated.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from meshlint.input.goyaml import mask_flow_colons
from meshlint.input.problems import ParseProblem, ProblemKind

__all__ = [
    "Limits",
    "ParseProblem",
    "PosDict",
    "PosList",
    "locate",
    "locate_key",
    "parse_documents",
]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_TAGS = frozenset(
    {
        _STR,
        _INT,
        _FLOAT,
        _BOOL,
        _NULL,
        "tag:yaml.org,2002:timestamp",
        "tag:yaml.org,2002:binary",
        "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq",
        "tag:yaml.org,2002:omap",
        "tag:yaml.org,2002:set",
        "tag:yaml.org,2002:pairs",
    }
)
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class _Loader(yaml.CSafeLoader):
    """The C loader with a leaner implicit-tag resolver (same YAML 1.1 rules as PyYAML's safe
    loader). No path resolvers are registered, so the per-node bookkeeping for them is
    skipped; plain scalars are resolved by their first character as PyYAML does."""

    _by_first = yaml.CSafeLoader.yaml_implicit_resolvers

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: object, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self._by_first.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


# Positions are kept as compact unsigned ints (4 bytes each rather than a pointer, plus an int
# object for every line number above 256).
_POS = "I"


class PosDict(dict):
    """A dict with ``pos``: per key, in insertion order, key line, key column, value line,
    value column (all 0-based)."""

    __slots__ = ("pos",)


class PosList(list):
    """A list with ``pos``: per item, its line and column (0-based)."""

    __slots__ = ("pos",)


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep hostile input from exhausting time or memory."""

    max_nodes_per_document: int = 1_000_000
    max_documents_per_file: int = 10_000
    max_depth: int = 400  # kept below libyaml's own limit, see _LIBYAML_MAX_NESTING
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
#   it refuses before the parser has passed meshlint's limit: see ``_prescan``.
# Text under ``_PRESCAN_DEPTH`` characters cannot nest that deep (each level takes at least one
# character), nor can most manifests by the bound of ``_may_exceed``; big text is walked anyway,
# to count its nodes before they are built.
_LIBYAML_MAX_NESTING = 1_000
_PRESCAN_DEPTH = _LIBYAML_MAX_NESTING - 100  # a margin for how a libyaml build counts levels
_PRESCAN_SIZE = 1024 * 1024
_NESTING_REFUSED = "exceeded maximum nesting depth"


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class _Builder:
    """Turns one composed node tree into plain values with positions."""

    __slots__ = ("count", "limits", "memo", "problems")

    def __init__(self, limits: Limits, problems: _Problems) -> None:
        self.limits = limits
        self.problems = problems
        self.memo: dict[int, tuple[object, int]] = {}
        self.count = 0

    def build(self, node: yaml.Node, depth: int = 0) -> object:
        cls = node.__class__
        if cls is ScalarNode:
            self.count += 1
            tag = node.tag
            if tag == _STR:
                return node.value
            return self._scalar(node, tag)
        key = id(node)
        seen = self.memo.get(key)
        if seen is not None:
            # An alias: share the value, but count what it would expand to.
            self.count += seen[1]
            if self.count > self.limits.max_nodes_per_document:
                raise _TooLarge
            return seen[0]
        if depth > self.limits.max_depth:
            raise _TooDeep(node.start_mark)
        start = self.count
        if node.tag not in _PLAIN_TAGS:
            self._tag_problem(node)
        value = self._mapping(node, depth) if cls is MappingNode else self._sequence(node, depth)
        self.count += 1
        if self.count > self.limits.max_nodes_per_document:
            raise _TooLarge
        self.memo[key] = (value, self.count - start)
        return value

    def _scalar(self, node: ScalarNode, tag: str) -> object:
        try:
            if tag == _INT:
                value = node.value
                if value.isdigit():  # the common case; PyYAML's path handles 0x, 0o, 1_000, ...
                    return int(value) if value[0] != "0" or value == "0" else int(value, 8)
                return _CONSTRUCTOR.construct_yaml_int(node)
            if tag == _BOOL:
                return _CONSTRUCTOR.construct_yaml_bool(node)
            if tag == _NULL:
                return None
            if tag == _FLOAT:
                return _CONSTRUCTOR.construct_yaml_float(node)
        except Exception:  # `!!int`, `!!int -`, `!!bool maybe`: keep the text
            return node.value
        if tag not in _PLAIN_TAGS:
            self._tag_problem(node)
        # Timestamps, binary and unknown tags keep their text: nothing is constructed.
        return node.value

    def _tag_problem(self, node: yaml.Node) -> None:
        self.problems.add(
            ProblemKind.TAG,
            node.start_mark,
            f"YAML tag {node.tag!r} is not a Kubernetes type; meshlint reads the plain "
            "value and never constructs tagged objects. Remove the tag.",
        )

    def _mapping(self, node: MappingNode, depth: int) -> PosDict:
        result = PosDict()
        pos: list[int] = []
        result.pos = pos
        merged: set[str] | None = None  # keys taken from `<<`, which explicit keys override
        order: dict[str, int] | None = None  # key -> index, built at the first duplicate
        # A document's top mapping: repeated keys may be two manifests joined without `---`.
        joined = _JoinedDocuments(self.problems) if depth == 0 else None
        build = self.build
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged = (merged or set()) | self._merge(result, pos, value_node, depth)
                order = None
                continue
            key = build(key_node, depth + 1)
            if key.__class__ is not str:
                key = self._key_text(key, key_node, node)
            value = build(value_node, depth + 1)
            kmark = key_node.start_mark
            vmark = value_node.start_mark
            if joined is not None:
                joined.key(key, kmark, key in result and not (merged and key in merged))
            if key in result:
                if merged and key in merged:
                    merged.discard(key)
                elif joined is None:
                    self.problems.add(ProblemKind.DUPLICATE_KEY, kmark, _duplicate_message(key))
                if order is None:  # a dict, so that many duplicates stay linear
                    order = {k: i for i, k in enumerate(result)}
                index = order[key] * 4
                pos[index : index + 4] = (kmark.line, kmark.column, vmark.line, vmark.column)
            else:
                if order is not None:
                    order[key] = len(result)
                pos += (kmark.line, kmark.column, vmark.line, vmark.column)
            result[key] = value
        if joined is not None:
            joined.close()
        result.pos = array(_POS, pos)
        return result

    def _key_text(self, key: object, key_node: yaml.Node, mapping: MappingNode) -> str:
        """Keys are strings in Kubernetes; ``80: x`` or ``true: y`` keep their source text."""
        if isinstance(key_node, ScalarNode):
            return key_node.value
        mark = key_node.start_mark
        if isinstance(key_node, MappingNode) and key_node.flow_style and mapping.flow_style:
            # `{{ .Values.x }}` parses as a flow mapping whose key is a flow mapping.
            mark = mapping.start_mark
            kind, message = ProblemKind.HELM_TEMPLATE, "a Go template action `{{ ... }}`"
        else:
            kind, message = (
                ProblemKind.SYNTAX,
                "a mapping key must be a scalar, not a mapping or a list",
            )
        self.problems.add(kind, mark, message)
        return f"<{type(key).__name__} key at line {mark.line + 1}>"

    def _merge(self, result: PosDict, pos: list[int], value_node: yaml.Node, depth: int) -> set:
        """``<<: *base``: copy keys the mapping does not set itself, as YAML 1.1 says."""
        added = set()
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            merged = self.build(source, depth + 1)
            if not isinstance(merged, PosDict):
                continue
            for index, (key, value) in enumerate(merged.items()):
                if key not in result:
                    result[key] = value
                    pos += merged.pos[index * 4 : index * 4 + 4]
                    added.add(key)
        return added

    def _sequence(self, node: SequenceNode, depth: int) -> PosList:
        result = PosList()
        pos: list[int] = []
        result.pos = pos
        build = self.build
        for item in node.value:
            mark = item.start_mark
            pos += (mark.line, mark.column)
            result.append(build(item, depth + 1))
        result.pos = array(_POS, pos)
        return result


class _RestoringBuilder(_Builder):
    """A builder that puts back the colons ``goyaml.mask_flow_colons`` masked."""

    __slots__ = ("placeholder",)

    def __init__(self, limits: Limits, problems: _Problems, placeholder: str) -> None:
        super().__init__(limits, problems)
        self.placeholder = placeholder

    def build(self, node: yaml.Node, depth: int = 0) -> object:
        if node.__class__ is ScalarNode and self.placeholder in node.value:
            node.value = node.value.replace(self.placeholder, ":")
        return super().build(node, depth)


def _duplicate_message(key: str) -> str:
    return (
        f"duplicate key {key!r}: YAML forbids it and kubectl silently keeps the last value. "
        "Remove one of them."
    )


# Keys every manifest starts with: when one repeats in a document's top mapping, the next
# manifest most likely begins there (`cat a.yaml b.yaml`).
_MANIFEST_KEYS = frozenset({"apiVersion", "kind"})


class _JoinedDocuments:
    """Duplicate keys of a document's top mapping. A repeated ``apiVersion`` or ``kind``
    means manifests joined without ``---``: that is one problem, where the next manifest
    starts, and the other keys it repeats are its consequences, not duplicates. The
    repeated keys just before it (``metadata:`` written first) belong to the next manifest
    too; any other repeated key is reported as a duplicate."""

    __slots__ = ("held", "problems", "seen")

    def __init__(self, problems: _Problems) -> None:
        self.problems = problems
        self.seen: set[str] = set()  # keys of the current manifest
        self.held: list[tuple[str, yaml.Mark]] = []  # repeated keys just before this one

    def key(self, key: str, mark: yaml.Mark, repeated: bool) -> None:
        if not repeated or key not in self.seen:
            self.close()
            self.seen.add(key)
        elif key in _MANIFEST_KEYS:
            start = self.held[0][1] if self.held else mark
            self.problems.add(
                ProblemKind.DUPLICATE_KEY,
                start,
                f"{key!r} appears again{'' if start is mark else f' at line {mark.line + 1}'}: "
                f"a `---` document separator is probably missing before line {start.line + 1} "
                "(manifests joined without one read as a single mapping)",
            )
            self.seen = {held for held, _ in self.held}
            self.seen.add(key)
            self.held = []
        else:
            self.held.append((key, mark))

    def close(self) -> None:
        """The held keys were not followed by a new manifest: they are duplicates."""
        for key, mark in self.held:
            self.problems.add(ProblemKind.DUPLICATE_KEY, mark, _duplicate_message(key))
        self.held = []


class _Problems:
    """Collects a file's problems, keeping at most ``limit`` of each kind so that a file of
    100,000 duplicate keys yields a readable report, not 100,000 findings."""

    __slots__ = ("counts", "items", "limit")

    def __init__(self, items: list[ParseProblem], limit: int) -> None:
        self.items = items
        self.limit = limit
        self.counts: dict[ProblemKind, int] = {}

    def add(self, kind: ProblemKind, mark: yaml.Mark | None, message: str) -> None:
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        self.add_at(kind, line, column, message)

    def add_at(self, kind: ProblemKind, line: int, column: int, message: str) -> None:
        count = self.counts.get(kind, 0) + 1
        self.counts[kind] = count
        if count <= self.limit:
            self.items.append(ParseProblem(kind, line, column, message))

    def close(self) -> None:
        for kind, count in self.counts.items():
            if count > self.limit:
                first = next(p for p in self.items if p.kind is kind)
                more = f"{count - self.limit} more {kind.value} problems in this file are not shown"
                self.items.append(ParseProblem(kind, first.line, first.column, more))


def _syntax_message(error: yaml.MarkedYAMLError, text: str) -> str:
    message = " ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
    mark = error.problem_mark
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        message += " (a tab: YAML indentation must use spaces)"
    return message


def _reader_position(error: yaml.reader.ReaderError, text: str) -> tuple[int, int]:
    """ReaderError gives a character offset; turn it into (line, column)."""
    offset = min(max(getattr(error, "position", 0) or 0, 0), len(text))
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)


def _may_exceed(text: str) -> bool:
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


def _is_nesting_refusal(error: yaml.YAMLError) -> bool:
    return isinstance(error, yaml.MarkedYAMLError) and error.problem == _NESTING_REFUSED


def _prescan(text: str, problems: _Problems, limits: Limits) -> int | None:
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
            problems.add(ProblemKind.LIMIT, refused.mark, _too_deep_for_libyaml())
            return refused.document
        return stop


def _walk(text: str, problems: _Problems, limits: Limits) -> int | None:
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
                    problems.add(ProblemKind.LIMIT, event.start_mark, _too_deep(limits))
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
                problems.add(ProblemKind.LIMIT, event.start_mark, _too_many_nodes(limits))
                return document
    except yaml.YAMLError as error:
        if _is_nesting_refusal(error):
            mark = error.problem_mark or error.context_mark
            raise _NestingRefused(mark, document if in_document else document + 1) from None
        return None
    except ValueError:
        return None
    finally:
        parser.dispose()


def _too_deep(limits: Limits, rest: str = "this document and the rest of the file are") -> str:
    return f"YAML nests deeper than {limits.max_depth} levels here; {rest} not analysed"


def _too_deep_for_libyaml() -> str:
    return (
        f"YAML reaches libyaml's nesting limit of {_LIBYAML_MAX_NESTING} levels here; this "
        "document and the rest of the file are not analysed"
    )


def _too_many_nodes(limits: Limits) -> str:
    return (
        f"document has or expands to more than {limits.max_nodes_per_document} nodes (an "
        "alias bomb?); it is not analysed (raise --max-nodes)"
    )


def parse_documents(
    text: str, problems: list[ParseProblem], limits: Limits = Limits()
) -> Iterator[tuple[object, int, int]]:
    """Yield ``(value, line, column)`` for each document of ``text`` (0-based positions).

    Problems (syntax errors, tags, duplicate keys, limits) are appended to ``problems``; a
    syntax error ends the file, but the documents before it are still yielded.
    """
    found = _Problems(problems, limits.max_problems_per_kind)
    try:
        yield from _documents(text, found, limits)
    finally:
        found.close()


def _documents(text: str, problems: _Problems, limits: Limits) -> Iterator[tuple[object, int, int]]:
    text, placeholder = mask_flow_colons(text)  # read as Kubernetes reads it
    stop = _prescan(text, problems, limits) if _may_exceed(text) else None
    try:
        loader = _Loader(text)
    except UnicodeEncodeError as error:  # lone surrogates in a str handed to load_text
        problems.add_at(
            ProblemKind.DECODE, 0, 0, f"text cannot be encoded as UTF-8: {error.reason}"
        )
        return
    index = -1
    try:
        while True:
            index += 1
            if index == stop:
                return
            try:
                if not loader.check_node():
                    return
                node = loader.get_node()
            except yaml.MarkedYAMLError as error:
                if _is_nesting_refusal(error):  # not expected: _may_exceed sends such text
                    problems.add(  # to _prescan, which reports meshlint's own limit
                        ProblemKind.LIMIT, error.problem_mark, _too_deep_for_libyaml()
                    )
                    return
                problems.add(
                    ProblemKind.SYNTAX,
                    error.problem_mark or error.context_mark,
                    _syntax_message(error, text),
                )
                return
            except yaml.reader.ReaderError as error:
                line, column = _reader_position(error, text)
                problems.add_at(ProblemKind.SYNTAX, line, column, str(error).split("\n")[0])
                return
            except yaml.YAMLError as error:
                problems.add_at(ProblemKind.SYNTAX, 0, 0, str(error))
                return
            except RecursionError:
                problems.add_at(ProblemKind.LIMIT, 0, 0, _too_deep(limits))
                return
            if node is None:
                continue
            mark = node.start_mark
            if index >= limits.max_documents_per_file:
                problems.add(
                    ProblemKind.LIMIT,
                    mark,
                    f"more than {limits.max_documents_per_file} documents in one file; "
                    "the rest of the file is not analysed (raise --max-documents)",
                )
                return
            builder = (
                _Builder(limits, problems)
                if placeholder is None
                else _RestoringBuilder(limits, problems, placeholder)
            )
            try:
                value = builder.build(node)
            except _TooLarge:  # reported at the document: the expansion has no one place
                problems.add(ProblemKind.LIMIT, mark, _too_many_nodes(limits))
                continue
            except _TooDeep as error:
                problems.add(ProblemKind.LIMIT, error.mark, _too_deep(limits, "this document is"))
                continue
            except RecursionError:
                problems.add(ProblemKind.LIMIT, mark, _too_deep(limits, "this document is"))
                continue
            yield value, mark.line, mark.column
    finally:
        loader.dispose()


def locate(
    root: object, path: tuple[object, ...], default: tuple[int, int] = (0, 0)
) -> tuple[int, int]:
    """The 0-based (line, column) of ``path`` inside ``root``.

    A scalar value is located at the value itself (so the column marks the offending text);
    a mapping or list value at its key. A path that leaves the document (a missing field)
    stops at the deepest part that exists.
    """
    line, column = default
    node = root
    last = len(path) - 1
    for depth, step in enumerate(path):
        if isinstance(node, PosDict) and isinstance(step, str) and step in node:
            index = _key_index(node, step) * 4
            pos = node.pos
            child = node[step]
            if depth == last and not isinstance(child, (dict, list)):
                line, column = pos[index + 2], pos[index + 3]
            else:
                line, column = pos[index], pos[index + 1]
            node = child
        elif isinstance(node, PosList) and isinstance(step, int) and 0 <= step < len(node):
            line, column = node.pos[step * 2], node.pos[step * 2 + 1]
            node = node[step]
        else:
            break
    return line, column


def locate_key(root: object, path: tuple[object, ...]) -> tuple[int, int] | None:
    """The 0-based (line, column) of the *key* at the end of ``path`` (not of its value), if
    the mapping holding it exists."""
    node = root
    for step in path[:-1]:
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return None
    if not isinstance(node, PosDict) or path[-1] not in node:
        return None
    index = _key_index(node, path[-1]) * 4  # type: ignore[arg-type]
    return node.pos[index], node.pos[index + 1]


def _key_index(mapping: dict, key: str) -> int:
    for index, candidate in enumerate(mapping):
        if candidate == key:
            return index
    raise KeyError(key)
