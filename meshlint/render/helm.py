"""Helm charts: find them among the input files, render them with ``helm template`` (offline,
local files only) and say which template each rendered document came from.

A chart's own files (templates, ``Chart.yaml``, values, CRDs, vendored subcharts) are sources,
not manifests: the caller lints what ``render`` prints instead, and maps each rendered document
back to its template with ``template_sources``. Nothing here knows of rules or findings.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass

import yaml

from meshlint.render import (
    CHART_FILE,
    DEFAULT_TIMEOUT,
    Render,
    RenderCache,
    offline_environment,
    run_renderer,
)

__all__ = ["Chart", "find_charts", "helm_command", "render", "template_sources"]

# Files and directories below a chart that are never part of it (as helm's own loader skips
# VCS directories; .helmignore is left to helm).
_SKIP_DIRS = frozenset({".git", ".hg", ".svn"})
# A release name as helm accepts it (DNS-1123 subdomain, at most 53 characters).
_RELEASE_MAX = 53
_NOT_IN_RELEASE = re.compile(r"[^a-z0-9-]+")
# `helm template` starts every rendered document with these two lines.
_SOURCE = re.compile(r"^# Source: (.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Chart:
    """A Helm chart among the input files. ``files`` are every input file below the chart
    directory (templates, values, CRDs, subcharts...): none of them is a manifest."""

    directory: str  # the directory holding Chart.yaml, spelled like the input file names
    name: str  # Chart.yaml `name` (else the directory's name)
    files: tuple[str, ...]
    values_files: tuple[str, ...]  # the chart's own values.yaml, when it has one
    problems: tuple[str, ...]  # what is wrong with Chart.yaml


def find_charts(files: Iterable[str]) -> dict[str, Chart]:
    """The charts that ``files`` (a run's manifest files, as spelled) belong to, by
    directory. A chart inside another (a subchart under ``charts/``) is part of the outer one;
    every file below a chart directory belongs to that chart."""
    files = list(files)
    roots: dict[str, str] = {}  # normalised chart directory -> as spelled
    for name in files:
        if name.endswith(CHART_FILE) and os.path.basename(name) == CHART_FILE:
            directory = os.path.dirname(name)
            roots[_norm(directory)] = directory or "."
    if not roots:  # most trees hold no chart: look at nothing else
        return {}
    spelled = {_norm(name): name for name in files}
    outermost = {norm for norm in roots if _parent_in(norm, roots) is None}
    members: dict[str, list[str]] = {norm: [] for norm in outermost}
    for name in files:
        owner = _parent_in(_norm(name), outermost)
        if owner is not None:
            members[owner].append(name)
    charts = {}
    for norm in sorted(outermost):
        directory = roots[norm]
        name, problems = _chart_name(os.path.join(directory, CHART_FILE), norm)
        values = _norm(os.path.join(norm, "values.yaml"))
        present = values in spelled or os.path.isfile(values)
        charts[directory] = Chart(
            directory=directory,
            name=name,
            files=tuple(members[norm]),
            values_files=(spelled.get(values, os.path.join(directory, "values.yaml")),)
            if present
            else (),
            problems=tuple(problems),
        )
    return charts


def _norm(path: str) -> str:
    return os.path.normpath(path) if path else "."


def _parent_in(path: str, directories: Container[str]) -> str | None:
    """The nearest directory above ``path`` (normalised) that is in ``directories``."""
    while path != ".":
        parent = os.path.dirname(path)
        if parent == path or os.path.basename(path) == "..":
            return None  # the root, or above the working directory
        path = parent or "."
        if path in directories:
            return path
    return None


def _read_chart_file(path: str) -> tuple[dict, list[str]]:
    """Chart.yaml (or requirements.yaml) as a mapping, and what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=yaml.CSafeLoader)
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        reason = str(error).split("\n")[0]
        return {}, [f"{os.path.basename(path)} cannot be read: {reason}"]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [f"{os.path.basename(path)} is not a mapping"]
    return data, []


def _chart_name(chart_file: str, directory: str) -> tuple[str, list[str]]:
    data, problems = _read_chart_file(chart_file)
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip(), problems
    if not problems:
        problems.append(f"{CHART_FILE} has no `name`; the directory's name is used")
    return os.path.basename(os.path.abspath(directory)), problems


def helm_command(setting: str | None = None) -> list[str] | None:
    """The command that runs helm: ``setting`` split like a shell would, else ``helm`` when it
    is on the PATH, else None (charts cannot be rendered)."""
    if setting is not None and setting.strip():
        return shlex.split(setting)
    return ["helm"] if shutil.which("helm") else None


_VERSIONS: dict[tuple[str, ...], str] = {}


def _version(command: list[str]) -> str:
    """helm's version, asked once per command and process ("unknown" when it cannot say)."""
    key = tuple(command)
    if key not in _VERSIONS:
        out, _ = run_renderer([*command, "version", "--short"], timeout=DEFAULT_TIMEOUT)
        _VERSIONS[key] = (out or "").strip() or "unknown"
    return _VERSIONS[key]


def release_name(chart_name: str) -> str:
    """The chart's name as a release name helm accepts."""
    name = _NOT_IN_RELEASE.sub("-", chart_name.lower())[:_RELEASE_MAX].strip("-")
    return name or "release"


def missing_dependencies(chart: Chart) -> list[str]:
    """Dependencies that Chart.yaml (or a v1 chart's requirements.yaml) declares and
    ``charts/`` does not hold, as a directory or an archive: helm would refuse to render
    without them, and getting them (`helm dependency build`) means downloading."""
    directory = chart.directory
    declared = [dependency["name"] for dependency in _dependencies(directory)]
    if not declared:
        return []
    vendored = _subcharts(directory)
    archives = _archives(os.path.join(directory, "charts"))
    return [
        name
        for name in dict.fromkeys(declared)
        if name not in vendored.values()
        and not any(a == f"{name}.tgz" or a.startswith(f"{name}-") for a in archives)
    ]


def _dependencies(directory: str) -> list[dict]:
    """The dependencies a chart declares (Chart.yaml, or a v1 chart's requirements.yaml)."""
    declared = []
    for source in (CHART_FILE, "requirements.yaml"):
        data, _ = _read_chart_file(os.path.join(directory, source))
        dependencies = data.get("dependencies")
        if isinstance(dependencies, list):
            declared += [
                d for d in dependencies if isinstance(d, dict) and isinstance(d.get("name"), str)
            ]
    return declared


def _aliases(directory: str) -> dict[str, str]:
    """alias -> chart name: helm names an aliased subchart's templates by the alias."""
    return {
        d["alias"]: d["name"] for d in _dependencies(directory) if isinstance(d.get("alias"), str)
    }


def _archives(directory: str) -> list[str]:
    try:
        return [name for name in os.listdir(directory) if name.endswith(".tgz")]
    except OSError:
        return []


def _subcharts(directory: str) -> dict[str, str]:
    """Vendored subchart directories below ``directory/charts`` (at any depth of
    ``charts/``), as ``directory -> chart name``."""
    found: dict[str, str] = {}
    pending = [directory]
    while pending:
        parent = os.path.join(pending.pop(), "charts")
        try:
            entries = sorted(os.listdir(parent))
        except OSError:
            continue
        for entry in entries:
            sub = os.path.join(parent, entry)
            if os.path.isfile(os.path.join(sub, CHART_FILE)):
                found[sub] = _chart_name(os.path.join(sub, CHART_FILE), sub)[0]
                pending.append(sub)
    return found


def _chart_files_on_disk(directory: str) -> list[str]:
    """Every file below the chart directory (``_helpers.tpl``, NOTES.txt and archives
    included): all of them can change what helm prints."""
    names = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        names.extend(os.path.join(dirpath, name) for name in sorted(filenames))
    return names


def _local(path: str) -> str:
    """A path helm cannot take for a flag or a repository chart reference."""
    return path if os.path.isabs(path) or path.startswith(".") else os.path.join(".", path)


def render(
    chart: Chart,
    command: list[str],
    values: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    cache: RenderCache | None = None,
) -> Render:
    """``helm template`` of the chart with the given values files (the chart's own values
    are implicit), from the cache when nothing it reads has changed. Never with
    ``--dependency-update`` or a post-renderer, never with CRDs from ``crds/``; a chart whose
    dependencies are not vendored is not rendered (that would need a download)."""
    missing = missing_dependencies(chart)
    if missing:
        return Render(
            chart.directory,
            None,
            f"chart {chart.name!r} depends on {', '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not vendored under charts/; rendering "
            "would need a download. Run `helm dependency build` and lint again.",
            base=chart.directory,
        )
    argv = [*command, "template", release_name(chart.name), _local(chart.directory)]
    for name in values:
        argv += ["--values", _local(name)]
    key = None
    if cache is not None:
        key = RenderCache.key(
            [*command, "helm", _version(command), *(f"values={name}" for name in values)],
            [*values, *_chart_files_on_disk(chart.directory)],
        )
        kept = cache.get(key)
        if kept is not None:
            return kept
    with tempfile.TemporaryDirectory(prefix="meshlint-helm-") as empty:
        text, error = run_renderer(argv, timeout=timeout, env=_helm_environment(empty))
    result = Render(chart.directory, text, error, base=chart.directory)
    if cache is not None and key is not None:
        cache.put(key, result)
    return result


def _helm_environment(empty: str) -> dict[str, str]:
    """The offline environment with helm's plugin, repository and registry settings pointed
    at an empty directory: no plugin runs and no repository is known."""
    env = offline_environment()
    for variable, name in (
        ("HELM_PLUGINS", "plugins"),
        ("HELM_REPOSITORY_CONFIG", "repositories.yaml"),
        ("HELM_REPOSITORY_CACHE", "repository"),
        ("HELM_REGISTRY_CONFIG", "registry.json"),
        ("HELM_CACHE_HOME", "cache"),
        ("HELM_CONFIG_HOME", "config"),
        ("HELM_DATA_HOME", "data"),
    ):
        env[variable] = os.path.join(empty, name)
    return env


def template_sources(text: str, chart: Chart) -> list[tuple[str, int]]:
    """Where each section of ``helm template`` output came from: ``(template file, 0-based
    line of its "# Source:" comment)``, in order. Helm names templates by chart name
    (``web/templates/a.yaml``, ``web/charts/db/templates/b.yaml``); these become the files
    below ``chart.directory``, spelled like the input names."""
    spelled = {_norm(name): name for name in chart.files}
    subcharts = _subcharts(chart.directory)
    sources = []
    previous = None
    for number, line in enumerate(text.split("\n")):
        if previous is not None and previous.rstrip() == "---":
            match = _SOURCE.match(line)
            if match:
                path = _template_file(match.group(1), chart, subcharts)
                sources.append((spelled.get(_norm(path), path), number))
        previous = line
    return sources


def _template_file(source: str, chart: Chart, subcharts: dict[str, str]) -> str:
    """The file below the chart directory that helm's template name stands for. Helm names a
    subchart by its Chart.yaml name (or the dependency's alias), which need not be its
    directory's."""
    parts = source.split("/")
    if parts and parts[0] == chart.name:
        parts = parts[1:]
    directory = chart.directory
    while len(parts) >= 2 and parts[0] == "charts":
        below = os.path.join(directory, "charts")
        by_name = {name: sub for sub, name in subcharts.items() if os.path.dirname(sub) == below}
        name = _aliases(directory).get(parts[1], parts[1])
        directory = by_name.get(name, os.path.join(below, parts[1]))
        parts = parts[2:]
    return os.path.join(directory, *parts) if parts else directory
