"""The layout stage: which meshes a repository holds, and what each of them contains.

A repository is rarely one live mesh: it holds environments with the same names, kustomize
bases and overlays, Helm charts. This stage turns the loaded files into mesh units (plain
directories, rendered kustomize overlays, rendered charts), each analysed on its own, and
resolves resource identity inside each (the last definition of an identity wins).
"""

from meshlint.layout.identity import Duplicate, resolve_identities
from meshlint.layout.plan import plan_meshes
from meshlint.layout.units import LayoutOptions, MeshUnit, Note, NoteKind

__all__ = [
    "Duplicate",
    "LayoutOptions",
    "MeshUnit",
    "Note",
    "NoteKind",
    "plan_meshes",
    "resolve_identities",
]
