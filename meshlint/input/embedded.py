"""YAML kept inside a string (the mesh ConfigMap's ``mesh`` key, the ``proxy.istio.io/config``
annotation): parsed with positions, and positions mapped back into the enclosing file."""

from __future__ import annotations

from dataclasses import dataclass

from meshlint.input.resources import Resource
from meshlint.input.yamlpos import locate, parse_documents

__all__ = ["Embedded", "parse_embedded"]


@dataclass(slots=True)
class Embedded:
    value: object
    base_line: int  # 0-based line in the file of the string's first content line
    base_column: int  # column to add on that line (and on following lines, for block scalars)
    block: bool

    def position(self, path: tuple[object, ...]) -> tuple[int, int]:
        """0-based file position of ``path`` inside the embedded document."""
        line, column = locate(self.value, path)
        if self.block or line > 0:
            return self.base_line + line, self.base_column + column
        return self.base_line, self.base_column + column


def parse_embedded(resource: Resource, path: tuple[object, ...], text: str) -> Embedded | None:
    """Parse the string at ``path`` in ``resource``; None when it is not YAML."""
    problems: list = []
    documents = list(parse_documents(text, problems))
    if problems or not documents:
        return None
    line, column = resource.locate(path)
    lines = resource.source.text.splitlines()
    start = lines[line][column:] if line < len(lines) else ""
    if start[:1] in ("|", ">"):
        # A block scalar: content starts on the next non-empty line, at its indentation.
        content = line + 1
        while content < len(lines) and not lines[content].strip():
            content += 1
        indent = len(lines[content]) - len(lines[content].lstrip()) if content < len(lines) else 0
        return Embedded(documents[0][0], content, indent, True)
    quote = 1 if start[:1] in ("'", '"') else 0
    return Embedded(documents[0][0], line, column + quote, False)
