"""Which files a run reads (the context) and which it reports on (the scope).

Paths on the command line are the report scope. The context is everything under the
configured ``paths`` (or, without a config file, under the repository root found through the
nearest ``.git``, or the working directory): a staged VirtualService is checked against
DestinationRules that did not change. Every file gets one spelling (relative to the working
directory when it is below it), so a file's findings read the same whether it was named alone,
with others, or found by walking a directory, and whatever order the paths came in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from meshlint.input.globs import glob_matcher
from meshlint.input.loader import STDIN, discover

__all__ = ["Workspace", "find_repo_root", "path_matcher", "plan"]

STDIN_NAME = "<stdin>"


@dataclass(frozen=True, slots=True)
class Workspace:
    root: Path  # where relative globs (exclude, per-file-ignores) and baselines start
    files: tuple[str, ...]  # to load: scope and context, each once, sorted
    scope: frozenset[str] | None  # file names reported on; None means all loaded files

    def relative(self, file: str) -> str:
        """``file`` relative to the root, ``/``-separated (absolute when outside it)."""
        return relative_to(self.root, file)


def relative_to(root: Path, file: str) -> str:
    if file in (STDIN, STDIN_NAME):
        return STDIN_NAME
    absolute = os.path.abspath(file)
    relative = os.path.relpath(absolute, root)
    if relative == ".." or relative.startswith(".." + os.sep):
        return Path(absolute).as_posix()
    return Path(relative).as_posix()


def find_repo_root(start: Path) -> Path | None:
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def display_name(path: str, cwd: str) -> str:
    """One spelling per file: relative to the working directory ``cwd`` when below it."""
    if path == STDIN:
        return path
    absolute = os.path.normpath(os.path.join(cwd, path))
    if absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return absolute[len(cwd.rstrip(os.sep)) + 1 :]
    return "." if absolute == cwd else absolute


def path_matcher(root: Path, patterns: Iterable[str]) -> Callable[[str], bool]:
    """Does a file, or a directory it is in, match one of ``patterns``? Patterns are globs
    relative to ``root``; one without ``/`` matches a file or directory name anywhere."""
    stripped = [p.rstrip("/") for p in patterns]
    globs = tuple(p if "/" in p else f"**/{p}" for p in stripped)
    if not globs:
        return lambda file: False
    matches = glob_matcher(globs)

    def matcher(file: str) -> bool:
        relative = relative_to(root, file)
        parts = relative.split("/")
        return any(matches("/".join(parts[:end])) for end in range(len(parts), 0, -1))

    return matcher


def plan(
    cli_paths: list[str],
    context_paths: list[str],
    root: Path,
    exclude: Iterable[str] = (),
    force_exclude: bool = False,
) -> Workspace:
    """Work out the files to load and the scope.

    ``cli_paths`` empty means the scope is the context. Directories are walked and ``exclude``
    applies to what is found; files named on the command line are excluded only with
    ``force_exclude``. Standard input alone is read without a context (it is usually the
    whole of a rendered chart)."""
    excluded = path_matcher(root, exclude)
    walks: dict[str, set[str]] = {}
    context = _expand(context_paths, excluded, True, walks)
    if not cli_paths:
        return Workspace(root, tuple(sorted(context)), None)
    scope = _expand(cli_paths, excluded, force_exclude, walks)
    if cli_paths == [STDIN]:
        context = set()
    names = {STDIN_NAME if f == STDIN else f for f in scope}
    return Workspace(root, tuple(sorted(scope | context)), frozenset(names))


def _expand(
    paths: list[str], excluded: Callable[[str], bool], force: bool, walks: dict[str, set[str]]
) -> set[str]:
    """The files ``paths`` name, by display name. A directory's walk is kept in ``walks`` by
    its absolute path, so ``meshlint .`` at the root of its own context walks the tree once.
    (Only the same directory is reused: a directory below a walked one may be reached
    through a symbolic link that the walk above it skipped as already seen.)"""
    found: set[str] = set()
    cwd = os.getcwd()
    for raw in paths:
        if raw != STDIN and os.path.isdir(raw):
            key = os.path.normpath(os.path.join(cwd, raw))
            if key not in walks:
                names = (display_name(path, cwd) for path in discover([raw]))
                walks[key] = {name for name in names if not excluded(name)}
            found |= walks[key]
            continue
        name = display_name(raw, cwd)
        if name == STDIN or not (force and excluded(name)):
            found.add(name)
    return found
