"""The records of the layout stage: the options that shape it, the mesh units it makes and
the notes it files about itself."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from meshlint.input.loader import SourceFile
from meshlint.render import DEFAULT_TIMEOUT

__all__ = ["LayoutOptions", "MeshUnit", "Note", "NoteKind"]


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


class NoteKind(Enum):
    """A kind of layout problem; the input rules declare which one they report."""

    RENDER_FAILED = "render-failed"  # the renderer ran and failed
    NOT_RENDERED = "not-rendered"  # a kustomization or chart that could not be rendered at all
    LIST_REPLACED = "list-replaced"  # a kustomize patch replaced a list of the base


@dataclass(frozen=True, slots=True)
class Note:
    """A problem of the layout itself (a render that failed, one that was not attempted, a
    patch that replaced a list), at a 0-based position."""

    kind: NoteKind
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
    # Files read only to map findings back (a base outside the named paths): not analysed.
    context: list[SourceFile] = field(default_factory=list)
    named: bool = False  # findings carry the mesh's name (there is more than one mesh)
