"""Find every value at a field pattern such as ``spec.http[].retries.perTryTimeout``.

``name[]`` steps into each item of a list and ``name{}`` into each value of a map, so one
pattern reaches every occurrence of a field however many routes or ports hold it. Patterns are
compiled once; walking never raises on values of the wrong type, it just finds nothing there.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

__all__ = ["EACH", "VALUES", "FieldSet", "compile_pattern", "find"]

EACH = object()  # every item of a list
VALUES = object()  # every value of a mapping


@cache
def compile_pattern(pattern: str) -> tuple[object, ...]:
    """``"spec.ports[].number"`` -> ``("spec", "ports", EACH, "number")``."""
    steps: list[object] = []
    for part in pattern.split("."):
        name = part
        suffix: list[object] = []
        while name.endswith(("[]", "{}")):
            suffix.insert(0, EACH if name.endswith("[]") else VALUES)
            name = name[:-2]
        if name:
            steps.append(name)
        steps += suffix
    return tuple(steps)


def find(
    root: object, pattern: str | tuple[object, ...], base: tuple[object, ...] = ()
) -> Iterator[tuple[tuple[object, ...], object]]:
    """Yield ``(path, value)`` for every value of ``root`` that the pattern reaches."""
    steps = compile_pattern(pattern) if isinstance(pattern, str) else pattern
    yield from _walk(root, steps, 0, base)


def _walk(
    node: object, steps: tuple[object, ...], index: int, path: tuple[object, ...]
) -> Iterator[tuple[tuple[object, ...], object]]:
    if index == len(steps):
        yield path, node
        return
    step = steps[index]
    if step is EACH:
        if isinstance(node, list):
            for position, item in enumerate(node):
                yield from _walk(item, steps, index + 1, (*path, position))
    elif step is VALUES:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from _walk(value, steps, index + 1, (*path, key))
    elif isinstance(node, dict) and step in node:
        yield from _walk(node[step], steps, index + 1, (*path, step))


class FieldSet:
    """Many patterns compiled into one trie, walked once per document.

    ``FieldSet({"spec.http[].timeout": a, "spec.http[].retries.backoff": b}).find(body)``
    yields ``(a_or_b, path, value)``: the shared prefix ``spec.http[]`` is visited once, and
    absent branches are skipped at their first missing key. Each trie node is compiled to a
    tuple ``(payloads, named steps, child for each item, child for each value)`` so the walk
    tests only the steps a node has.
    """

    __slots__ = ("_root",)

    def __init__(self, patterns: dict[str, object]) -> None:
        trie: dict[object, object] = {}
        for pattern, payload in patterns.items():
            node = trie
            for step in compile_pattern(pattern):
                node = node.setdefault(step, {})
            node.setdefault(_END, []).append(payload)
        self._root = _compiled(trie)

    def find(
        self, root: object, base: tuple[object, ...] = ()
    ) -> Iterator[tuple[object, tuple[object, ...], object]]:
        stack: list[tuple[tuple, object, tuple[object, ...]]] = [(self._root, root, base)]
        pop, push = stack.pop, stack.append
        while stack:
            (payloads, named, each, values), node, path = pop()
            for payload in payloads:
                yield payload, path, node
            if node.__class__ is dict or isinstance(node, dict):
                for step, child in named:
                    if step in node:
                        push((child, node[step], (*path, step)))
                if values is not None:
                    for key, value in reversed(node.items()):
                        push((values, value, (*path, key)))
            elif each is not None and isinstance(node, list):
                for index in range(len(node) - 1, -1, -1):
                    push((each, node[index], (*path, index)))


_END = "\0end"


def _compiled(trie: dict) -> tuple:
    named = tuple(
        (step, _compiled(child))
        for step, child in reversed(trie.items())  # pushed in reverse: visited in order
        if step is not EACH and step is not VALUES and step != _END
    )
    each = trie.get(EACH)
    values = trie.get(VALUES)
    return (
        tuple(trie.get(_END, ())),
        named,
        None if each is None else _compiled(each),
        None if values is None else _compiled(values),
    )
