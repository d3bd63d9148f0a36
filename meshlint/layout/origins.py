"""Findings made in rendered text, moved back to the files the text came from.

Rendered text is analysed a document per source, so positions are worked out for the one
document a finding points into. A rendered document knows its origin (kustomize's
``config.kubernetes.io/origin``, Helm's ``# Source:`` comments). A finding's position names a
node (a path of keys and indexes); the same path is looked up in the files that could have
set it: the patches of the kustomizations that transformed the document, outermost first,
where the value there is the value rendered, then the origin file, where the path is located
as deep as it exists. What cannot be traced stays in the rendered document, which the report
can show. A finding moved this way offers no fix (``Finding.fix``): meshlint edits only the
file a finding was made in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from meshlint.findings import Finding, Location
from meshlint.input.loader import SourceFile
from meshlint.input.yamlpos import PosDict, PosList, locate

__all__ = ["DocumentOrigin", "Origins", "find_object", "node_at", "path_at"]

Path = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class DocumentOrigin:
    """Where one rendered document came from."""

    file: str | None  # the file that defined it (a template, a base manifest)
    patches: tuple[str, ...] = ()  # files that may have changed it, the last applied first
    # Helm: the template's lines cannot be matched by path, only searched for a key.
    template: bool = False


class Origins:
    """Maps positions in rendered sources (one document each) back to the files they were
    made from."""

    def __init__(
        self, documents: Mapping[str, tuple[SourceFile, DocumentOrigin]], files: Mapping
    ) -> None:
        self.documents = documents  # rendered source path -> (source, origin)
        self.files = files

    def map_findings(self, findings: Iterable[Finding]) -> list[Finding]:
        out = []
        for finding in findings:
            if finding.file in self.documents:
                file, line, column = self.map(finding.file, finding.line - 1, finding.column - 1)
                # Never a repair: the text was rendered, and the file it maps to may set the
                # value through a template, a patch or a transformer that no path edit reaches.
                finding = replace(finding, file=file, line=line + 1, column=column + 1, fix=None)
            if any(r.file in self.documents for r in finding.related):
                finding = replace(finding, related=tuple(self._related(finding.related)))
            out.append(finding)
        return out

    def _related(self, locations: Iterable[Location]) -> Iterable[Location]:
        for location in locations:
            if location.file in self.documents:
                file, line, column = self.map(location.file, location.line - 1, location.column - 1)
                location = replace(location, file=file, line=line + 1, column=column + 1)
            yield location

    def map(self, rendered: str, line: int, column: int) -> tuple[str, int, int]:
        """The source file and 0-based position of a 0-based position in a rendered source;
        the rendered position itself where it cannot be traced."""
        source, origin = self.documents[rendered]
        documents = source.with_positions()
        if not documents or origin.file is None:
            return rendered, line, column
        body = documents[0].value
        path = path_at(body, line, column)
        if path is None:
            return rendered, line, column
        kind, name = _kind_and_name(body)
        rendered_value = node_at(body, path)
        for patch in origin.patches:
            found = self._find(patch, kind, name)
            if found is not None and _sets(found[0], path, rendered_value):
                return (patch, *locate(found[0], path, found[1]))
        if origin.template:
            return (origin.file, *_search_template(self.files.get(origin.file), path))
        found = self._find(origin.file, kind, name)
        if found is None:
            return rendered, line, column
        return (origin.file, *locate(found[0], path, found[1]))

    def _find(self, file: str, kind: str, name: str) -> tuple[object, tuple[int, int]] | None:
        source = self.files.get(file)
        return None if source is None else find_object(source, kind, name)


def find_object(source: SourceFile, kind: str, name: str) -> tuple[object, tuple[int, int]] | None:
    """The positioned document of ``source`` that defines ``kind`` ``name`` (the rendered name
    may carry a prefix or suffix the source's lacks), with its start; a file holding a single
    document of that kind is taken whatever its name."""
    same_kind = []
    for document in source.with_positions():
        value = document.value
        if _kind_and_name(value)[0] == kind:
            same_kind.append((value, (document.line, document.column)))
    exact = [d for d in same_kind if _kind_and_name(d[0])[1] == name]
    if exact:
        return exact[-1]
    partial = [  # namePrefix / nameSuffix: the source's name begins or ends the rendered one
        d
        for d in same_kind
        if (own := _kind_and_name(d[0])[1]) and (name.startswith(own) or name.endswith(own))
    ]
    if partial:
        return partial[-1]
    return same_kind[0] if len(same_kind) == 1 else None


def _kind_and_name(value: object) -> tuple[str, str]:
    if not isinstance(value, dict):
        return "", ""
    metadata = value.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    kind = value.get("kind")
    return (kind if isinstance(kind, str) else ""), (name if isinstance(name, str) else "")


def node_at(root: object, path: Path) -> object:
    """The value at ``path``, or a sentinel when the path leaves the document."""
    node = root
    for step in path:
        if (isinstance(node, dict) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            node = node[step]
        else:
            return _MISSING
    return node


_MISSING = object()


def _sets(document: object, path: Path, rendered: object) -> bool:
    """Does ``document`` (a patch) hold ``path`` with the rendered value? A mapping or list
    counts when it is there at all: the patch made or replaced it."""
    value = node_at(document, path)
    if value is _MISSING:
        return False
    if isinstance(value, (dict, list)):
        return True
    return value == rendered


def path_at(root: object, line: int, column: int) -> Path | None:
    """The deepest path whose key or value ``locate`` would report at (line, column)."""
    best: Path | None = None
    stack: list[tuple[object, Path]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, PosDict):
            pos = node.pos
            for index, (key, value) in enumerate(node.items()):
                at = pos[index * 4 : index * 4 + 4]
                here = (*path, key)
                hit = (at[0], at[1]) == (line, column) or (at[2], at[3]) == (line, column)
                if hit and (best is None or len(here) > len(best)):
                    best = here
                if isinstance(value, (PosDict, PosList)) and at[0] <= line:
                    stack.append((value, here))
        elif isinstance(node, PosList):
            pos = node.pos
            for index, value in enumerate(node):
                here = (*path, index)
                hit = (pos[index * 2], pos[index * 2 + 1]) == (line, column)
                if hit and (best is None or len(here) > len(best)):
                    best = here
                if isinstance(value, (PosDict, PosList)) and pos[index * 2] <= line:
                    stack.append((value, here))
    return best


def _search_template(source: SourceFile | None, path: Path) -> tuple[int, int]:
    """A Helm template is not YAML: find the last key of ``path`` when it appears once, else
    point at the template's first line."""
    if source is None:
        return 0, 0
    keys = [step for step in path if isinstance(step, str)]
    if keys:
        needle = f"{keys[-1]}:"
        hits = [
            (number, text.index(needle))
            for number, text in enumerate(source.lines)
            if needle in text
        ]
        if len(hits) == 1:
            return hits[0]
    return 0, 0
