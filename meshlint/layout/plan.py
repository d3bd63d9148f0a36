"""Mesh units from loaded files: configured and detected directories, kustomize overlays and
Helm charts, each a unit of analysis with the files it covers and why it was formed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from meshlint.globs import glob_matcher
from meshlint.layout.detect import Dir, group_files
from meshlint.layout.identity import Identity, apply_order
from meshlint.loader import SourceFile
from meshlint.model import Resource
from meshlint.render import DEFAULT_TIMEOUT

__all__ = ["LayoutOptions", "MeshUnit", "Note", "plan_meshes"]

STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class LayoutOptions:
    """What the config says about the repository's meshes and how to render."""

    root: Path = Path(".")  # where the ``meshes`` and ``shared`` globs start
    meshes: tuple[str, ...] = ()  # globs of directories, each match one mesh
    shared: tuple[str, ...] = ()  # globs of directories read as context by every mesh
    render: bool = True  # run kustomize and Helm
    kustomize_command: str | None = None  # default: kustomize build, else kubectl kustomize
    helm_command: str | None = None  # default: helm
    helm_values: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (chart glob, values files)
    render_timeout: float = DEFAULT_TIMEOUT
    cache_dir: Path | None = None  # where renders are kept
    jobs: int = 1

    def key(self) -> str:
        """What a stored whole-run result depends on: these options, and which renderers
        are on ``PATH`` (a run where kubectl appeared renders what the last one could not)."""
        found = [shutil.which(name) for name in ("kustomize", "kubectl", "helm")]
        return repr(
            (
                self.root.resolve(),
                self.meshes,
                self.shared,
                self.render,
                self.kustomize_command,
                self.helm_command,
                self.helm_values,
                self.render_timeout,
                found,
            )
        )


@dataclass(frozen=True, slots=True)
class Note:
    """A problem of the layout itself (a render that failed, one that was not attempted),
    reported under the rule ``rule`` at a 0-based position."""

    rule: str
    file: str
    line: int
    column: int
    message: str


@dataclass(slots=True)
class MeshUnit:
    """One mesh: the sources its resources come from (in apply order), the files it covers
    (sources, plus the inputs of a render), and why it is one."""

    name: str
    kind: str  # "directory", "configured", "kustomize", "helm", "stdin"
    sources: list[SourceFile]
    members: frozenset[str]  # every file this mesh covers, for the report scope
    reason: str
    notes: list[Note] = field(default_factory=list)
    # A rendered unit maps findings in its rendered text back to the source files.
    origins: object | None = None


def plan_meshes(
    sources: list[SourceFile],
    resources: Mapping[str, list[Resource]],
    options: LayoutOptions,
) -> list[MeshUnit]:
    """The mesh units of a run over ``sources`` (``resources`` are theirs, by file)."""
    if len(sources) == 1 and sources[0].path == STDIN_NAME:
        return [MeshUnit(STDIN_NAME, "stdin", sources, frozenset([STDIN_NAME]), "standard input")]
    plain = sources
    units: list[MeshUnit] = []
    shared = _shared(plain, options)
    plain = [s for s in plain if s.path not in shared]
    units.extend(_plain_units(plain, resources, options))
    if shared:
        extra = [s for s in sources if s.path in shared]
        for unit in units:
            unit.sources = _ordered([*unit.sources, *extra])
        if not units:
            units.append(_unit(".", "configured", extra, "shared context only"))
    return units


def _ordered(sources: Iterable[SourceFile]) -> list[SourceFile]:
    return sorted(sources, key=lambda s: apply_order(s.path))


def _unit(name: str, kind: str, sources: list[SourceFile], reason: str) -> MeshUnit:
    ordered = _ordered(sources)
    return MeshUnit(name, kind, ordered, frozenset(s.path for s in ordered), reason)


def _relative(root: Path, path: str) -> str:
    relative = os.path.relpath(os.path.abspath(path), root.resolve())
    if relative == ".." or relative.startswith(".." + os.sep):
        return Path(os.path.abspath(path)).as_posix()
    return Path(relative).as_posix()


def _shared(sources: list[SourceFile], options: LayoutOptions) -> set[str]:
    if not options.shared:
        return set()
    matches = glob_matcher(tuple(p.rstrip("/") for p in options.shared))
    shared = set()
    for source in sources:
        parts = _relative(options.root, source.path).split("/")[:-1]
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
        name = _relative(options.root, os.sep.join(group.directory) or os.sep)
        kind = "configured" if group.reason.startswith("configured") else "directory"
        units.append(_unit(name, kind, [by_path[f] for f in group.files], group.reason))
    return units


def _configured(options: LayoutOptions):
    if not options.meshes:
        return lambda file: None
    matches = glob_matcher(tuple(p.rstrip("/") for p in options.meshes))
    root = os.path.abspath(options.root)

    def mesh_of(file: str) -> Dir | None:
        parts = _relative(options.root, file).split("/")[:-1]
        if parts[:1] == [""] or os.path.isabs(parts[0] if parts else ""):
            return None
        for end in range(1, len(parts) + 1):
            if matches("/".join(parts[:end])):
                return tuple(os.path.join(root, *parts[:end]).split(os.sep))
        return None

    return mesh_of
