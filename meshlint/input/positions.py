"""Values with positions: the ``PosDict`` and ``PosList`` the parser builds, and how to find
where a path inside them stands in the file.

They are ordinary ``dict`` and ``list`` objects that also carry a flat table of 0-based
(line, column) pairs, so rules work with plain data and a finding can still point at the
field's own line.
"""

from __future__ import annotations

__all__ = ["POSITION_TYPECODE", "PosDict", "PosList", "locate", "locate_key"]

# Positions are kept as compact unsigned ints (4 bytes each rather than a pointer, plus an int
# object for every line number above 256).
POSITION_TYPECODE = "I"


class PosDict(dict):
    """A dict with ``pos``: per key, in insertion order, key line, key column, value line,
    value column (all 0-based)."""

    __slots__ = ("pos",)


class PosList(list):
    """A list with ``pos``: per item, its line and column (0-based)."""

    __slots__ = ("pos",)


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
