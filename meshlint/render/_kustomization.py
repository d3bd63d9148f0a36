"""Reading one kustomization file: which local files it reads, which local kustomizations it
uses, what it would fetch and what it would run. kustomize is not called here.

Paths are spelled like the kustomization's own name: ``normpath(join(directory, entry))``.
"""

from __future__ import annotations

import os
import re
from collections import deque
from dataclasses import dataclass, field

import yaml

from meshlint.render import KUSTOMIZATION_NAMES, spelled

__all__ = ["KUSTOMIZATION_NAMES", "Kustomization", "read_all"]

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Forms kustomize takes for a remote target: a URL, git's scp form, a go-getter prefix, or a
# host name as first segment (github.com/org/repo//dir?ref=v1), with a query naming a ref.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GIT = re.compile(r"^(git@|git::|[\w.-]+@[\w.-]+:)")
_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(:\d+)?/")
_QUERY = re.compile(r"\?(.*&)?(ref|version|timeout|submodules)=")
_HELM = ("helmCharts", "helmChartInflationGenerator", "helmGlobals")
_HELM_REFUSAL = "`{}` needs kustomize's --enable-helm (runs helm, may fetch charts): refused"


@dataclass(frozen=True, slots=True)
class Kustomization:
    """One kustomization file, as far as deciding what to render needs."""

    directory: str  # dirname of the kustomization file, spelled like the input file names
    file: str  # the kustomization file
    inputs: tuple[str, ...]  # the local files it reads itself (those that exist)
    uses: tuple[str, ...]  # directories of the local kustomizations it uses
    remote: tuple[str, ...]  # entries not followed: URLs, git and hosted forms
    patch_files: tuple[str, ...]  # the inputs that are patches
    problems: tuple[str, ...]  # human messages; ``refused`` included
    refused: tuple[str, ...] = ()  # the problems that forbid rendering: helm, plugins
    component: bool = False  # ``kind: Component``: built only by a kustomization using it


def _is_remote(entry: str) -> bool:
    return bool(_URL.match(entry) or _GIT.match(entry) or _QUERY.search(entry))


def _looks_hosted(entry: str) -> bool:
    """``github.com/org/repo``: a host name first; only asked when no such local path exists."""
    return bool(_HOST.match(entry)) or "//" in entry.lstrip("/")


def kustomization_files_in(directory: str) -> list[str]:
    return [n for n in KUSTOMIZATION_NAMES if os.path.isfile(os.path.join(directory, n))]


@dataclass
class _Reader:
    """Collects what one kustomization reads, uses, fetches and runs."""

    directory: str
    file: str
    spelling: dict[str, str]  # absolute directory -> the run's spelling of it
    inputs: list[str] = field(default_factory=list)
    uses: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    patch_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def path(self, entry: str) -> str:
        return spelled(os.path.join(self.directory, entry))

    def entry(self, value: object, where: str) -> str | None:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is not None:
            self.problems.append(f"`{where}`: {value!r} is not a path")
        return None

    def local(self, value: object, where: str) -> tuple[str, str] | None:
        """``(entry, path)`` of an entry naming something local; a remote one is noted."""
        entry = self.entry(value, where)
        if entry is None:
            return None
        if _is_remote(entry):
            self.remote.append(entry)
            return None
        return entry, self.path(entry)

    def file_entry(self, value: object, where: str, patch: bool = False) -> str | None:
        """A local file the kustomization reads (a patch, a generator's source, ...)."""
        local = self.local(value, where)
        if local is None:
            return None
        entry, path = local
        if os.path.isfile(path):
            self.inputs.append(path)
            if patch:
                self.patch_files.append(path)
            return path
        what = "is a directory, not a file" if os.path.isdir(path) else "does not exist"
        self.problems.append(f"`{where}`: {entry} ({path}) {what}")
        return None

    def resource_entry(self, value: object, where: str) -> str | None:
        """A file, a directory holding a kustomization, or something remote."""
        local = self.local(value, where)
        if local is None:
            return None
        entry, path = local
        if os.path.isdir(path):
            if kustomization_files_in(path):
                spelled = self.spelling.setdefault(os.path.abspath(path), path)
                self.uses.append(spelled)
                return spelled
            self.problems.append(f"`{where}`: {entry} ({path}) holds no kustomization file")
        elif os.path.isfile(path):
            self.inputs.append(path)
            return path
        elif _looks_hosted(entry):
            self.remote.append(entry)
        else:
            self.problems.append(f"`{where}`: {entry} ({path}) does not exist")
        return None

    def plugin_entry(self, value: object, where: str) -> None:
        """A generators/transformers/validators entry: a file or inline text of plugin
        configurations, or a kustomization whose output is. Only kustomize's builtin plugins
        are accepted; any other plugin or KRM function would run code."""
        if isinstance(value, str) and "\n" in value:
            self.check_plugins(value, f"`{where}` inline entry")
            return
        path = self.resource_entry(value, where)
        if path is not None and os.path.isfile(path):
            try:
                with open(path, encoding="utf-8") as text:
                    self.check_plugins(text.read(), f"`{where}`: {path}")
            except (OSError, UnicodeDecodeError) as error:
                self.problems.append(f"`{where}`: {path} cannot be read: {error}")

    def check_plugins(self, text: str, where: str) -> None:
        try:
            documents = [d for d in yaml.load_all(text, Loader=_SafeLoader) if d is not None]
        except yaml.YAMLError:
            self.problems.append(f"{where}: not YAML")
            return
        for document in documents:
            if not isinstance(document, dict):
                self.problems.append(f"{where}: not a plugin configuration")
                continue
            metadata = document.get("metadata")
            annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
            function = isinstance(annotations, dict) and any(
                "config.kubernetes.io/function" in str(key) or "config.k8s.io/function" in str(key)
                for key in annotations
            )
            if document.get("apiVersion") != "builtin" or function:
                kind = document.get("kind", "?")
                self.refused.append(
                    f"{where}: plugin or KRM function {kind} would run code: refused"
                )

    def read(self, data: dict) -> None:
        for key in ("resources", "bases", "components"):
            for value in _listed(data, key):
                self.resource_entry(value, key)
        for value in _listed(data, "patches"):
            if isinstance(value, dict) and "path" in value:
                self.file_entry(value["path"], "patches", patch=True)
        for value in _listed(data, "patchesStrategicMerge"):
            if not (isinstance(value, str) and ("\n" in value or ": " in value)):
                self.file_entry(value, "patchesStrategicMerge", patch=True)
        for value in _listed(data, "patchesJson6902"):
            if isinstance(value, dict) and "path" in value:
                self.file_entry(value["path"], "patchesJson6902", patch=True)
        for key in ("configMapGenerator", "secretGenerator"):
            for generator in _listed(data, key):
                if not isinstance(generator, dict):
                    continue
                sources = _listed(generator, "files") + _listed(generator, "envs")
                if isinstance(generator.get("env"), str):
                    sources.append(generator["env"])
                for value in sources:
                    if isinstance(value, str) and "=" in value:
                        value = value.split("=", 1)[1]  # key=path
                    self.file_entry(value, key)
        for value in _listed(data, "replacements"):
            if isinstance(value, dict) and "path" in value:
                self.file_entry(value["path"], "replacements")
        for key in ("configurations", "crds"):
            for value in _listed(data, key):
                self.file_entry(value, key)
        openapi = data.get("openapi")
        if isinstance(openapi, dict) and "path" in openapi:
            self.file_entry(openapi["path"], "openapi")
        for key in ("generators", "transformers", "validators"):
            for value in _listed(data, key):
                self.plugin_entry(value, key)
        for key in _HELM:
            if data.get(key):
                self.refused.append(_HELM_REFUSAL.format(key))

    def result(self, component: bool) -> Kustomization:
        def unique(items: list[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(items))

        return Kustomization(
            directory=self.directory,
            file=self.file,
            inputs=unique(self.inputs),
            uses=unique(self.uses),
            remote=unique(self.remote),
            patch_files=unique(self.patch_files),
            problems=unique(self.problems + self.refused),
            refused=unique(self.refused),
            component=component,
        )


def _listed(data: dict, key: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def read_one(directory: str, file: str, spelling: dict[str, str]) -> Kustomization:
    """Read one kustomization file; never raises: what cannot be read is a problem."""
    reader = _Reader(directory, file, spelling)
    present = kustomization_files_in(directory)
    if len(present) > 1:
        reader.problems.append(
            f"{directory} holds several kustomization files ({', '.join(present)}); "
            "kustomize refuses to choose"
        )
    try:
        with open(file, encoding="utf-8") as text:
            data = yaml.load(text, Loader=_SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reader.problems.append(f"cannot read the kustomization: {_first_line(error)}")
        return reader.result(False)
    if data is None:
        reader.problems.append("the kustomization is empty")
    elif not isinstance(data, dict):
        reader.problems.append("the kustomization is not a mapping")
    else:
        reader.read(data)
    return reader.result(isinstance(data, dict) and data.get("kind") == "Component")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def read_all(files: list[str]) -> dict[str, Kustomization]:
    """Read the kustomization ``files`` and every local kustomization they use, keyed by
    directory (each spelled once: the first spelling of a directory wins)."""
    spelling: dict[str, str] = {}
    chosen: dict[str, str] = {}  # directory -> its kustomization file
    for file in files:
        directory = os.path.normpath(os.path.dirname(file))
        directory = spelling.setdefault(os.path.abspath(directory), directory)
        if directory not in chosen or _rank(file) < _rank(chosen[directory]):
            chosen[directory] = file
    found: dict[str, Kustomization] = {}
    queue = deque(chosen.items())
    while queue:
        directory, file = queue.popleft()
        if directory in found:
            continue
        k = found[directory] = read_one(directory, file, spelling)
        for used in k.uses:
            if used not in found and used not in chosen:
                names = kustomization_files_in(used)
                chosen[used] = os.path.normpath(os.path.join(used, names[0]))
                queue.append((used, chosen[used]))
    return found


def _rank(file: str) -> int:
    """kustomize's own order of preference among the names."""
    name = os.path.basename(file)
    return (
        KUSTOMIZATION_NAMES.index(name) if name in KUSTOMIZATION_NAMES else len(KUSTOMIZATION_NAMES)
    )
