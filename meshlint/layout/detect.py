"""Which plain files form one mesh: configured mesh directories first, then detection.

Detection: when the same identity is defined in two directory trees where neither contains
the other (``clusters/dev/reviews.yaml`` and ``clusters/prod/reviews.yaml``), those trees are
different meshes. The directory where they part (``clusters``) is *split*: each of its
subdirectories is a mesh of its own (detection goes on inside each), and the files directly in
it form one more. Definitions in one directory, or in a directory and one below it, are
duplicates within one mesh (``duplicate-resource``): alternative files side by side, like
Istio's bookinfo samples, are one mesh with its duplicates reported.

Namespace objects do not split: several applications of one cluster often each declare the
namespace they live in. Where detection guesses wrong, the ``meshes`` setting takes over.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from meshlint.layout.identity import Identity

__all__ = ["Group", "group_files"]

Dir = tuple[str, ...]  # an absolute directory as its components

# Identities that do not make two trees different meshes.
_NEVER_SPLIT_KINDS = frozenset({"Namespace"})
# How many colliding identities a split keeps to explain itself.
_EXAMPLES = 3


@dataclass(slots=True)
class Group:
    """Files that form one mesh, and why they were put together."""

    directory: Dir
    files: list[str] = field(default_factory=list)
    reason: str = ""


def _directory(path: str, cwd: str) -> Dir:
    absolute = os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))
    return tuple(os.path.dirname(absolute).split(os.sep))


def group_files(
    identities: Mapping[str, Iterable[Identity]],
    root: str,
    configured: Callable[[str], Dir | None] = lambda file: None,
    configured_reason: str = "",
) -> list[Group]:
    """Group ``identities``' files (file -> the identities it defines) into meshes.
    ``configured(file)`` gives the configured mesh directory a file is in, if any; those
    groups are taken as they are, the rest is detected."""
    groups: dict[Dir, Group] = {}
    detected: dict[str, Iterable[Identity]] = {}
    for file, defined in identities.items():
        directory = configured(file)
        if directory is None:
            detected[file] = defined
            continue
        group = groups.setdefault(directory, Group(directory, reason=configured_reason))
        group.files.append(file)
    cwd = os.getcwd()
    directories = {file: _directory(file, cwd) for file in detected}
    splits = _splits(detected, directories)
    top = tuple(os.path.abspath(root).split(os.sep))
    for file in detected:
        directory = _mesh_directory(directories[file], splits, top)
        group = groups.get(directory)
        if group is None:
            group = groups[directory] = Group(directory, reason=_reason(directory, splits))
        group.files.append(file)
    return sorted(groups.values(), key=lambda g: g.directory)


@dataclass(slots=True)
class _Split:
    """Why a directory is split: the subdirectories that define the same identities."""

    parts: set[str] = field(default_factory=set)
    identities: list[str] = field(default_factory=list)
    count: int = 0

    def explain(self) -> str:
        parts = sorted(self.parts)
        trees = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
        more = self.count - len(self.identities)
        shown = ", ".join(self.identities) + (f" and {more} more" if more > 0 else "")
        return f"{trees} define the same resources ({shown})"


def _splits(
    identities: Mapping[str, Iterable[Identity]], directories: Mapping[str, Dir]
) -> dict[Dir, _Split]:
    """Directories where two trees part that define one identity, with what they share."""
    defined_in: dict[Identity, set[Dir]] = {}
    for file, defined in identities.items():
        directory = directories[file]
        for key in defined:
            if key[1] not in _NEVER_SPLIT_KINDS:
                defined_in.setdefault(key, set()).add(directory)
    splits: dict[Dir, _Split] = {}
    for key, directories in defined_in.items():
        if len(directories) < 2:
            continue
        # Neighbours in sorted order are enough: the directories where any two of them part
        # are the directories where two neighbours part (the walk order of a tree).
        ordered = sorted(directories)
        counted: set[Dir] = set()
        for first, second in itertools.pairwise(ordered):
            common = _common(first, second)
            if common in (first, second):
                continue  # one contains the other: one mesh, a duplicate
            split = splits.setdefault(common, _Split())
            split.parts.update(d[len(common)] for d in (first, second))
            if common not in counted:
                counted.add(common)
                split.count += 1
                if len(split.identities) < _EXAMPLES:
                    _, kind, namespace, name = key
                    split.identities.append(f"{kind} {namespace + '/' if namespace else ''}{name}")
    return splits


def _common(first: Dir, second: Dir) -> Dir:
    end = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        end += 1
    return first[:end]


def _mesh_directory(directory: Dir, splits: Mapping[Dir, _Split], top: Dir) -> Dir:
    """The mesh a file in ``directory`` belongs to: below the deepest split directory
    containing it, the subdirectory it is in (or the split directory itself for files
    directly in it); without a split above it, the top (the root the run started from)."""
    for end in range(len(directory), -1, -1):
        ancestor = directory[:end]
        if ancestor in splits:
            return directory if end == len(directory) else directory[: end + 1]
    return top


def _reason(directory: Dir, splits: Mapping[Dir, _Split]) -> str:
    if directory in splits:
        return "the files directly in a directory whose subdirectories are separate meshes"
    parent = directory[:-1]
    if parent in splits:
        return "a separate mesh: " + splits[parent].explain()
    return "one mesh: no resource is defined in two separate directory trees"
