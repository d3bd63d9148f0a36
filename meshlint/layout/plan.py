"""Mesh units from loaded files: configured and detected directories, kustomize overlays and
Helm charts, each a unit of analysis with the files it covers and why it was formed."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from meshlint.input.globs import glob_matcher
from meshlint.input.loader import SourceFile
from meshlint.input.resources import Resource
from meshlint.layout.detect import Dir, group_files
from meshlint.layout.identity import Identity, apply_order
from meshlint.layout.rendered import render_units
from meshlint.layout.units import LayoutOptions, MeshUnit

__all__ = ["plan_meshes"]

STDIN_NAME = "<stdin>"


def plan_meshes(
    sources: list[SourceFile],
    resources: Mapping[str, list[Resource]],
    options: LayoutOptions,
) -> list[MeshUnit]:
    """The mesh units of a run over ``sources`` (``resources`` are theirs, by file): each
    rendered kustomization and chart, the configured mesh directories, and the detected
    ones. Files a render reads belong to no plain mesh; ``shared`` files to every mesh."""
    if len(sources) == 1 and sources[0].path == STDIN_NAME:
        return [MeshUnit(STDIN_NAME, "stdin", sources, frozenset([STDIN_NAME]), "standard input")]
    by_path = {source.path: source for source in sources}
    rendered = render_units(by_path, options, _display)
    plain = [s for s in sources if s.path not in rendered.inputs]
    shared = _shared(plain, options)
    plain = [s for s in plain if s.path not in shared]
    units = [*_plain_units(plain, resources, options), *rendered.units]
    if shared:
        extra = [by_path[path] for path in sorted(shared)]
        for unit in units:
            if unit.sources:
                unit.sources = _ordered([*unit.sources, *extra])
                unit.members = unit.members | shared
        if not units:
            units.append(_unit(".", "configured", extra, "shared context only"))
    return units


def _ordered(sources: Iterable[SourceFile]) -> list[SourceFile]:
    return sorted(sources, key=lambda s: apply_order(s.path))


def _unit(name: str, kind: str, sources: list[SourceFile], reason: str) -> MeshUnit:
    ordered = _ordered(sources)
    return MeshUnit(name, kind, ordered, frozenset(s.path for s in ordered), reason)


def _relative(root: Path, path: str) -> str:
    relative = os.path.relpath(os.path.abspath(path), root)
    if relative == ".." or relative.startswith(".." + os.sep):
        return Path(os.path.abspath(path)).as_posix()
    return Path(relative).as_posix()


def _display(directory: str) -> str:
    """A mesh's name: its directory spelled as the run spells files (relative to the working
    directory when below it)."""
    return _relative(Path.cwd(), directory)


def _shared(sources: list[SourceFile], options: LayoutOptions) -> set[str]:
    if not options.shared:
        return set()
    matches = glob_matcher(tuple(p.rstrip("/") for p in options.shared))
    root = options.root.resolve()
    shared = set()
    for source in sources:
        parts = _relative(root, source.path).split("/")[:-1]
        if any(matches("/".join(parts[:end])) for end in range(1, len(parts) + 1)):
            shared.add(source.path)
    return shared


def _plain_units(
    sources: list[SourceFile], resources: Mapping[str, list[Resource]], options: LayoutOptions
) -> list[MeshUnit]:
    identities: dict[str, list[Identity]] = {
        s.path: [
            (r.group, r.kind, r.namespace, r.name) for r in resources.get(s.path, ()) if r.name
        ]
        for s in sources
    }
    configured = _configured(options)
    groups = group_files(identities, str(options.root), configured, "configured in `meshes`")
    by_path = {s.path: s for s in sources}
    units = []
    for group in groups:
        if all(_inert(by_path[f], resources) for f in group.files):
            continue  # nothing to analyse (a config file, other YAML): no mesh of its own
        name = _display(os.sep.join(group.directory) or os.sep)
        kind = "configured" if group.reason.startswith("configured") else "directory"
        units.append(_unit(name, kind, [by_path[f] for f in group.files], group.reason))
    return units


def _inert(source: SourceFile, resources: Mapping[str, list[Resource]]) -> bool:
    """A file with nothing for a rule to see: no resource, no reading problem, and only
    documents that are other YAML (neither ``apiVersion`` nor ``kind``)."""
    if resources.get(source.path) or source.problems:
        return False
    return all(
        document.value is None
        or (isinstance(document.value, dict) and not {"apiVersion", "kind"} & document.value.keys())
        for document in source.documents
    )


def _configured(options: LayoutOptions):
    if not options.meshes:
        return lambda file: None
    matches = glob_matcher(tuple(p.rstrip("/") for p in options.meshes))
    root = options.root.resolve()

    def mesh_of(file: str) -> Dir | None:
        parts = _relative(root, file).split("/")[:-1]
        if parts[:1] == [""] or os.path.isabs(parts[0] if parts else ""):
            return None
        for end in range(1, len(parts) + 1):
            if matches("/".join(parts[:end])):
                return tuple(os.path.join(str(root), *parts[:end]).split(os.sep))
        return None

    return mesh_of
