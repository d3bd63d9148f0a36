"""Mesh units made by rendering: each leaf kustomization and each Helm chart is a mesh of its
own, analysed as what its renderer prints, with findings moved back to the source files.
The files a render reads are never analysed as live resources themselves; what cannot be
rendered here is said once (``not-rendered``, ``render-failed``), never guessed at."""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from meshlint.input.globs import glob_matcher
from meshlint.input.loader import SourceFile, load_file, load_text
from meshlint.layout.origins import DocumentOrigin, Origins
from meshlint.layout.patches import replaced_lists
from meshlint.layout.units import LayoutOptions, MeshUnit, Note, NoteKind
from meshlint.render import CHART_FILE, KUSTOMIZATION_NAMES, Render, RenderCache

__all__ = ["Rendered", "render_units"]

KUSTOMIZE_BUILD = "<kustomize build>"
HELM_TEMPLATE = "<helm template>"

Namer = Callable[[str], str]


@dataclass(slots=True)
class Rendered:
    """What the renderers made of a run's files."""

    units: list[MeshUnit] = field(default_factory=list)
    inputs: set[str] = field(default_factory=set)  # files never analysed as live resources


def render_units(
    sources: Mapping[str, SourceFile], options: LayoutOptions, name_of: Namer
) -> Rendered:
    """Find kustomizations and charts among ``sources`` (path -> source), render what can
    be rendered offline, and say what was not. ``name_of(directory)`` names a mesh."""
    result = Rendered()
    cache = RenderCache(options.cache_dir) if options.cache_dir is not None else None
    names = {os.path.basename(path) for path in sources}
    # The renderers' modules are imported only for trees that need them (startup time).
    if not names.isdisjoint(KUSTOMIZATION_NAMES):
        _kustomize(sources, options, name_of, cache, result)
    if CHART_FILE in names:
        _helm(sources, options, name_of, cache, result)
    return result


def _line_of(source: SourceFile | None, text: str) -> int:
    """The 0-based line where ``text`` first appears in ``source`` (0 when it does not)."""
    if source is not None and text:
        for number, line in enumerate(source.lines):
            if text in line:
                return number
    return 0


def _unrendered(name: str, kind: str, members, reason: str, notes: list[Note]) -> MeshUnit:
    return MeshUnit(name, kind, [], frozenset(members), reason, notes)


def _kustomize(sources, options, name_of: Namer, cache, result: Rendered) -> None:
    from meshlint.render import kustomize

    found = kustomize.find_kustomizations(sources)
    if not found:
        return
    for directory in found:
        result.inputs.update(kustomize.closure(directory, found).files)
    command = kustomize.renderer_command(options.kustomize_command) if options.render else None
    planned: dict[str, None] = {}  # directories to render, in order, each once
    fallback: dict[str, None] = {}  # local kustomizations beneath leaves that cannot render
    for leaf in kustomize.leaves(found):
        k = found[leaf]
        files = kustomize.closure(leaf, found).files
        reason = f"kustomization {k.file}"
        if command is None:
            why = (
                "rendering is off (--no-render)"
                if not options.render
                else "neither kustomize nor kubectl is on PATH"
            )
            message = (
                f"kustomization {leaf} was not rendered: {why}; its {len(files)} files are "
                f"not analysed. Render it for meshlint: `kubectl kustomize {leaf} | meshlint -`"
            )
            note = Note(NoteKind.NOT_RENDERED, k.file, 0, 0, message)
            result.units.append(_unrendered(name_of(leaf), "kustomize", files, reason, [note]))
            continue
        chosen, left_out = kustomize.render_plan(leaf, found)
        if left_out:  # the leaf as a whole is not analysed: say so in its own name
            notes = [_left_out(message, leaf, k, found, sources) for message in left_out]
            result.units.append(_unrendered(name_of(leaf), "kustomize", files, reason, notes))
        if left_out:
            fallback.update(dict.fromkeys(chosen))
        else:
            planned.update(dict.fromkeys(chosen))
    # What a blocked leaf falls back to is rendered only where no rendered leaf covers it.
    covered = {d for p in planned for d in kustomize.closure(p, found).directories}
    planned.update(dict.fromkeys(d for d in fallback if d not in covered))
    if not planned:
        return
    renders = kustomize.render_many(
        planned, command, found, options.render_timeout, cache, options.jobs
    )
    for directory in planned:
        render, k = renders[directory], found[directory]
        members = set(kustomize.closure(directory, found).files)
        reason = f"kustomization {k.file}"
        if render.text is None:
            failed = Note(
                NoteKind.RENDER_FAILED,
                k.file,
                0,
                0,
                f"`{' '.join(command)} {directory}` failed: {render.error}",
            )
            result.units.append(
                _unrendered(name_of(directory), "kustomize", members, reason, [failed])
            )
            continue
        context = _read_missing(members, sources)
        rendered, origins, replaced = _kustomize_source(render, directory, sources, found)
        members.update(source.path for source in rendered)
        result.units.append(
            MeshUnit(
                name_of(directory),
                "kustomize",
                rendered,
                frozenset(members),
                reason,
                replaced,
                origins,
                context,
            )
        )


def _read_missing(files, sources: dict[str, SourceFile]) -> list[SourceFile]:
    """Read the inputs of a render that the run did not (a base outside the named paths), so
    findings can point into them; they are added to ``sources``."""
    read = []
    for file in sorted(files):
        if file not in sources and os.path.isfile(file):
            source = sources[file] = load_file(file)
            read.append(source)
    return read


def _left_out(message: str, leaf: str, k, found, sources) -> Note:
    """A ``render_plan`` message (``file: detail``) as a note at the remote entry's line."""
    file, _, detail = message.partition(": ")
    owner = next((c for c in found.values() if c.file == file), k)
    entry = next((e for e in owner.remote if e in detail), "")
    return Note(
        NoteKind.NOT_RENDERED,
        owner.file,
        _line_of(sources.get(owner.file), entry),
        0,
        f"{detail}; meshlint fetches nothing. Render it where that is allowed and lint the "
        f"output: `kustomize build {leaf} | meshlint -`",
    )


def _kustomize_source(render: Render, directory: str, sources, found):
    """The rendered documents as sources, each one's origin, and the notes of patches that
    replaced lists."""
    from meshlint.render import kustomize

    by_file = {k.file: k for k in found.values()}
    documents, notes = {}, []
    for rendered, _ in _documents(render.text or "", directory, KUSTOMIZE_BUILD):
        body = rendered.documents[0].value
        origin, _ = kustomize.origin(body, render)
        chain = kustomize.transformers(body, render)
        patches = tuple(p for f in reversed(chain) if f in by_file for p in by_file[f].patch_files)
        documents[rendered.path] = (rendered, DocumentOrigin(origin, patches))
        notes.extend(replaced_lists(body, origin, patches, sources, directory))
        kustomize.strip_build_annotations(body)
    rendered = [source for source, _ in documents.values()]
    return rendered, Origins(documents, sources), notes


_SEPARATOR = re.compile(r"^---[ \t]*$", re.MULTILINE)


def _documents(text: str, directory: str, label: str) -> list[tuple[SourceFile, int]]:
    """Renderer output split at its ``---`` lines, a source per document (positions are then
    parsed for the documents findings point into, not the whole output), with the line each
    starts at. Parts holding no document (comments only) are left out."""
    parts, starts, last, line = [], [], 0, 0
    for match in _SEPARATOR.finditer(text):
        part = text[last : match.start()]
        parts.append(part)
        starts.append(line)
        line += part.count("\n") + 1
        last = match.end() + 1
    parts.append(text[last:])
    starts.append(line)
    out = []
    for part, start in zip(parts, starts, strict=True):
        source = load_text(os.path.join(directory, f"{label[:-1]} #{len(out) + 1}>"), part)
        if source.documents and source.documents[0].value is not None:
            out.append((source, start))
    return out


def _helm(sources, options: LayoutOptions, name_of: Namer, cache, result: Rendered) -> None:
    from meshlint.render import helm

    charts = helm.find_charts(sources)
    if not charts:
        return
    for chart in charts.values():
        result.inputs.update(chart.files)
    command = helm.helm_command(options.helm_command) if options.render else None
    for directory, chart in sorted(charts.items()):
        chart_file = os.path.join(directory, "Chart.yaml")
        name, reason = name_of(directory), f"Helm chart {chart.name}"
        if command is None:
            why = "rendering is off (--no-render)" if not options.render else "helm is not on PATH"
            message = (
                f"Helm chart {chart.name!r} was not rendered: {why}; its {len(chart.files)} "
                "files are not analysed. Render it for meshlint: "
                f"`helm template {helm.release_name(chart.name)} {directory} | meshlint -`"
            )
            note = Note(NoteKind.NOT_RENDERED, chart_file, 0, 0, message)
            result.units.append(_unrendered(name, "helm", chart.files, reason, [note]))
            continue
        render = helm.render(
            chart, command, _values_for(directory, options), options.render_timeout, cache
        )
        if render.text is None:
            message = f"`helm template` of chart {chart.name!r} failed: {render.error}"
            note = Note(NoteKind.RENDER_FAILED, chart_file, 0, 0, message)
            result.units.append(_unrendered(name, "helm", chart.files, reason, [note]))
            continue
        sections = helm.template_sources(render.text, chart)
        starts = [line for _, line in sections]
        documents = {}
        for rendered, start in _documents(render.text, directory, HELM_TEMPLATE):
            index = bisect.bisect_right(starts, start) - 1
            origin = sections[index][0] if index >= 0 else None
            documents[rendered.path] = (rendered, DocumentOrigin(origin, (), True))
        members = frozenset([*chart.files, *documents])
        context = _read_missing(chart.files, sources)
        origins = Origins(documents, sources)
        rendered_sources = [source for source, _ in documents.values()]
        result.units.append(
            MeshUnit(name, "helm", rendered_sources, members, reason, [], origins, context)
        )


def _values_for(directory: str, options: LayoutOptions) -> list[str]:
    """The values files the ``helm-values`` setting names for this chart directory."""
    relative = os.path.relpath(os.path.abspath(directory), os.path.abspath(options.root))
    relative = relative.replace(os.sep, "/")
    chosen: list[str] = []
    for pattern, files in options.helm_values:
        if glob_matcher((pattern.rstrip("/"),))(relative):
            chosen.extend(files)
    return chosen
