"""From a composed YAML node tree to plain Python values with positions, in one pass.

Mappings and sequences become ``PosDict`` and ``PosList`` with the position of every key,
value and item. Nothing is ever constructed from a tag: custom tags (``!Ref``) and Python tags
(``!!python/object``) keep their plain value and are reported. Aliases are shared, not copied,
and the size of what they would expand to is counted, so an alias bomb is refused instead of
being evaluated. Repeated keys are reported, and a repeated ``apiVersion`` or ``kind`` at the
top of a document is read as manifests joined without ``---``.
"""

from __future__ import annotations

from array import array

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from meshlint.input.limits import Limits
from meshlint.input.positions import POSITION_TYPECODE, PosDict, PosList
from meshlint.input.problems import ProblemKind, ProblemLog

__all__ = ["Builder", "Loader", "RestoringBuilder", "TooDeep", "TooLarge"]

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


class Loader(yaml.CSafeLoader):
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


class TooLarge(Exception):
    """A document has, or expands to, more nodes than the limit."""


class TooDeep(Exception):
    """A document nests deeper than the limit, at ``mark``."""

    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


class Builder:
    """Turns one composed node tree into plain values with positions."""

    __slots__ = ("count", "limits", "memo", "problems")

    def __init__(self, limits: Limits, problems: ProblemLog) -> None:
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
                raise TooLarge
            return seen[0]
        if depth > self.limits.max_depth:
            raise TooDeep(node.start_mark)
        start = self.count
        if node.tag not in _PLAIN_TAGS:
            self._tag_problem(node)
        value = self._mapping(node, depth) if cls is MappingNode else self._sequence(node, depth)
        self.count += 1
        if self.count > self.limits.max_nodes_per_document:
            raise TooLarge
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
        result.pos = array(POSITION_TYPECODE, pos)
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
        result.pos = array(POSITION_TYPECODE, pos)
        return result


class RestoringBuilder(Builder):
    """A builder that puts back the colons ``goyaml.mask_flow_colons`` masked."""

    __slots__ = ("placeholder",)

    def __init__(self, limits: Limits, problems: ProblemLog, placeholder: str) -> None:
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

    def __init__(self, problems: ProblemLog) -> None:
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
