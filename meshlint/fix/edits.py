"""An ``Edit`` as a change to the text of one node: the node is found by its path in the tree
libyaml's C composer builds (the parser meshlint analyses with), and only its own characters
change. Everything else in the file (comments, key order, quoting, flow style, indentation,
blank lines, line endings, the other documents) is left byte for byte.

An edit that cannot be made that way (an aliased or merged node, a block scalar, a mapping
left empty, a node the path does not reach) raises ``Refused``: no fix is better than a
doubtful one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from meshlint.findings import Edit

__all__ = ["Document", "Refused", "Replacement", "compose", "replacements"]

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class Refused(Exception):
    """The edit cannot be made exactly; the message says why."""


@dataclass(frozen=True, slots=True)
class Replacement:
    """``text[start:end]`` becomes ``new`` (an insertion when ``start == end``)."""

    start: int
    end: int
    new: str


@dataclass(slots=True)
class Document:
    """A composed document of a file and the nodes that appear more than once in it
    (anchored and aliased: an edit there would change every place that uses it)."""

    root: yaml.Node
    shared: set[int]


def compose(text: str) -> list[Document]:
    """The documents of ``text`` as libyaml composes them (raises ``yaml.YAMLError``)."""
    documents = []
    for root in yaml.compose_all(text, Loader=yaml.CSafeLoader):
        seen: set[int] = set()
        shared: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen:
                shared.add(id(node))
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                stack.extend(n for pair in node.value for n in pair)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
        documents.append(Document(root, shared))
    return documents


def replacements(text: str, document: Document, base: tuple, edit: Edit) -> list[Replacement]:
    """The text changes that make ``edit`` (its path below ``base``) in ``document``."""
    path = (*base, *edit.path)
    if edit.op == "insert":
        mapping = _node(document, path)
        if not isinstance(mapping, yaml.MappingNode):
            raise Refused(f"no mapping at {_show(path)}")
        return [_insert(text, mapping, edit.key or "", edit.value)]
    if not edit.path:
        raise Refused("an edit needs a path")
    parent = _node(document, path[:-1])
    if not isinstance(parent, yaml.MappingNode):
        if edit.op == "set" and isinstance(parent, yaml.SequenceNode):
            return [_set(text, _item(parent, path[-1]), edit.value)]
        raise Refused(f"no mapping at {_show(path[:-1])}")
    index = _entry(parent, path[-1])
    key, value = parent.value[index]
    _not_shared(document, key, value)
    if edit.op == "set":
        return [_set(text, value, edit.value)]
    if edit.op == "rename":
        if any(_key_text(k) == edit.key for k, _ in parent.value):
            raise Refused(f"{edit.key!r} is already a key of {_show(path[:-1])}")
        return [_set(text, key, edit.key)]
    if edit.op == "delete":
        return [_delete(text, parent, index)]
    raise Refused(f"unknown edit {edit.op!r}")


def _show(path: tuple) -> str:
    return ".".join(str(step) for step in path) or "the document"


def _not_shared(document: Document, *nodes: yaml.Node) -> None:
    for node in nodes:
        if id(node) in document.shared or node.tag == _MERGE:
            raise Refused("the node is anchored or aliased")


def _key_text(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) and node.tag == _STR else None


def _entry(mapping: yaml.MappingNode, step: object) -> int:
    found = [i for i, (key, _) in enumerate(mapping.value) if _key_text(key) == step]
    if len(found) != 1:
        raise Refused(f"{step!r} is {'repeated' if found else 'not a key'} in the mapping")
    return found[0]


def _item(sequence: yaml.SequenceNode, step: object) -> yaml.Node:
    if not isinstance(step, int) or not 0 <= step < len(sequence.value):
        raise Refused(f"no item {step!r}")
    return sequence.value[step]


def _node(document: Document, path: tuple) -> yaml.Node:
    node = document.root
    for step in path:
        if id(node) in document.shared:
            raise Refused("the path goes through an anchored or aliased node")
        if isinstance(node, yaml.MappingNode):
            if any(key.tag == _MERGE for key, _ in node.value):
                raise Refused("the mapping merges another (<<)")
            node = node.value[_entry(node, step)][1]
        elif isinstance(node, yaml.SequenceNode):
            node = _item(node, step)
        else:
            raise Refused(f"the path {_show(path)} leaves the document")
    if id(node) in document.shared:
        raise Refused("the node is anchored or aliased")
    return node


# Plain scalars written as such only when they read back as the same string in any context.
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./-]*|[0-9][A-Za-z0-9_./-]*[A-Za-z_/][A-Za-z0-9_./-]*")


def render(value: object, style: str | None = None) -> str:
    """``value`` as YAML text that fits in a flow or block context: a string keeps the
    quoting ``style`` it replaces (``'``, ``"`` or plain, when plain reads back the same);
    a mapping is written in flow style."""
    if isinstance(value, Mapping):
        inner = ", ".join(f"{render(k)}: {render(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if not isinstance(value, str):
        raise Refused(f"cannot write a {type(value).__name__}")
    if style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if style != '"' and _PLAIN.fullmatch(value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)


def _set(text: str, node: yaml.Node, value: object) -> Replacement:
    if not isinstance(node, yaml.ScalarNode) or node.style in ("|", ">"):
        raise Refused("only a scalar on one line is replaced")
    start, end = node.start_mark.index, node.end_mark.index
    if start == end or "\n" in text[start:end]:
        raise Refused("only a scalar on one line is replaced")
    style = node.style if isinstance(value, str) else None
    return Replacement(start, end, render(value, style))


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Just after the line break that ends the line holding ``index`` (or the text's end)."""
    at = text.find("\n", index)
    return len(text) if at < 0 else at + 1


def _eol(text: str, index: int) -> str:
    at = text.find("\n", index)
    return "\r\n" if at > 0 and text[at - 1] == "\r" else "\n"


def _value_end(text: str, node: yaml.Node) -> int:
    """Where a value's own text ends: a block collection's end mark lies at the start of
    what follows it."""
    end = node.end_mark.index
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        while end > 0 and text[end - 1] in " \t\r\n":
            end -= 1
    return end


def _delete(text: str, mapping: yaml.MappingNode, index: int) -> Replacement:
    pairs = mapping.value
    if len(pairs) == 1:
        raise Refused("the mapping would be left empty")
    key, value = pairs[index]
    start, end = key.start_mark.index, _value_end(text, value)
    if mapping.flow_style:
        if index + 1 < len(pairs):
            return Replacement(start, pairs[index + 1][0].start_mark.index, "")
        return Replacement(_value_end(text, pairs[index - 1][1]), end, "")
    first = _line_start(text, start)
    if text[first:start].strip():  # `- key: value`: the next key takes its place
        if index + 1 == len(pairs):
            raise Refused("the entry opens a list item")
        return Replacement(start, pairs[index + 1][0].start_mark.index, "")
    last = _line_end(text, end)
    rest = text[end:last].strip()
    if rest.startswith("#"):  # a comment after the value stays, on a line of its own
        return Replacement(first, last, text[first:start] + rest + _eol(text, end))
    if rest:
        raise Refused("the entry shares its line")
    return Replacement(first, last, "")


def _insert(text: str, mapping: yaml.MappingNode, key: str, value: object) -> Replacement:
    if any(_key_text(k) == key for k, _ in mapping.value):
        raise Refused(f"{key!r} is already a key")
    entry = f"{render(key)}: "
    if mapping.flow_style:
        if not mapping.value:
            at = mapping.start_mark.index + 1
            return Replacement(at, at, entry + render(value))
        at = _value_end(text, mapping.value[-1][1])
        return Replacement(at, at, ", " + entry + render(value))
    if not mapping.value:
        raise Refused("an empty block mapping")
    first = mapping.value[0][0]
    indent = first.start_mark.column
    end = _value_end(text, mapping.value[-1][1])
    at = _line_end(text, end)
    eol = _eol(text, end)
    lead = "" if at > 0 and text[at - 1] == "\n" else eol  # the file ends without a newline
    return Replacement(at, at, lead + "".join(_block(entry, value, indent, eol)))


def _block(entry: str, value: object, indent: int, eol: str) -> Iterator[str]:
    """``key: value`` lines at ``indent``; a mapping value nested in block style."""
    pad = " " * indent
    if isinstance(value, Mapping) and value:
        yield pad + entry.rstrip() + eol
        for key, inner in value.items():
            yield from _block(f"{render(key)}: ", inner, indent + 2, eol)
    else:
        yield pad + entry + render(value) + eol
