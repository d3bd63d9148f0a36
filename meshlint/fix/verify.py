"""Proof that an edited file says what it said before, except at the fixed paths.

The edited text is read again by ruamel.yaml in round-trip mode (a second, independent YAML
parser), each document compared with the original's documents as the edits should have left
them, and every comment compared in order. Only files with fixes come here: ruamel.yaml is
pure Python and never on the analysis path.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable, Mapping

import yaml

from meshlint.findings import Edit

__all__ = ["comments", "expected", "plain_documents", "verify"]


def plain_documents(text: str) -> list[object]:
    """Each document of ``text`` as plain Python values, read by ruamel.yaml round-trip."""
    from ruamel.yaml import YAML

    reader = YAML(typ="rt")
    reader.allow_duplicate_keys = True
    return [_plain(document) for document in reader.load_all(io.StringIO(text))]


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def expected(documents: list[object], edits: Iterable[tuple[int, tuple, Edit]]) -> list[object]:
    """``documents`` as ``(document, base path, edit)`` triples should leave them. Paths name
    nodes as they were before the fix, so keys are renamed last."""
    result = copy.deepcopy(documents)
    for index, base, edit in sorted(edits, key=lambda triple: triple[2].op == "rename"):
        path = (*base, *edit.path)
        if edit.op == "insert":
            _at(result[index], path)[edit.key] = _plain(edit.value)
            continue
        parent = _at(result[index], path[:-1])
        step = path[-1]
        if edit.op == "set":
            parent[step] = _plain(edit.value)
        elif edit.op == "delete":
            del parent[step]
        elif edit.op == "rename":
            items = list(parent.items())
            parent.clear()
            parent.update((edit.key if k == step else k, v) for k, v in items)
    return result


def _at(node: object, path: tuple) -> object:
    for step in path:
        node = node[step]  # type: ignore[index]
    return node


def comments(text: str) -> list[str]:
    """The comments of ``text``, in order: a ``#`` outside every token that starts the line
    or follows a space, to the end of its line (libyaml's scanner gives the tokens)."""
    covered: list[tuple[int, int]] = []
    try:
        for token in yaml.scan(text, Loader=yaml.CSafeLoader):
            if token.start_mark.index < token.end_mark.index:
                covered.append((token.start_mark.index, token.end_mark.index))
    except yaml.YAMLError:
        return [text]  # compared as a whole: any change counts
    found = []
    at = text.find("#")
    spans = iter(covered)
    span = next(spans, None)
    while at >= 0:
        while span is not None and span[1] <= at:
            span = next(spans, None)
        inside = span is not None and span[0] <= at < span[1]
        if not inside and (at == 0 or text[at - 1] in " \t\r\n"):
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            found.append(text[at:end].rstrip("\r"))
            at = text.find("#", end)
        else:
            at = text.find("#", at + 1)
    return found


def verify(old: str, new: str, edits: list[tuple[int, tuple, Edit]]) -> str | None:
    """Why ``new`` is not ``old`` with exactly ``edits`` made, or None when it is."""
    if comments(old) != comments(new):
        return "a comment would change"
    try:
        before = plain_documents(old)
        after = plain_documents(new)
    except Exception as error:  # ruamel.yaml's errors share no base class with yaml's
        return f"ruamel.yaml cannot read the result: {type(error).__name__}"
    try:
        wanted = expected(before, edits)
    except (KeyError, IndexError, TypeError) as error:
        return f"the edit does not fit the document: {error}"
    if after != wanted:
        return "the result reads differently from what the fix intends"
    return None
