"""The engine: load, build the mesh, run the selected rules, and decide what is reported.

Rules only produce findings; selection, severity and containment of rule failures happen
here, in one place.
"""

from __future__ import annotations

import contextlib
import gc
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from meshlint.config.settings import Settings
from meshlint.engine.results import load_result, run_key, save_result
from meshlint.engine.verdict import Policy, apply_policy
from meshlint.facts.graph import Mesh, build_mesh
from meshlint.findings import Finding, Severity, Suppression
from meshlint.input.cache import ParseCache
from meshlint.input.loader import (
    STDIN,
    Keyed,
    Progress,
    SourceFile,
    discover,
    load_files,
    read_file,
    read_keyed,
)
from meshlint.input.resources import Extraction, Resource, extract_resources
from meshlint.input.yamlpos import Limits
from meshlint.layout import LayoutOptions, MeshUnit, plan_meshes, resolve_identities
from meshlint.rules import DEFAULT_RULES, Rule, find_rule
from meshlint.rules.base import report, report_at
from meshlint.rules.input.layout_notes import notes_to_findings

__all__ = [
    "Report",
    "analyse",
    "analyse_files",
    "analyse_sources",
    "analyse_unit",
    "plan_units",
    "report_policy",
]

INTERNAL_ERROR = find_rule("internal-error")


@dataclass(slots=True)
class Report:
    """What a run found. ``sources`` are all files read (the context); the counts
    (``files``, ``resources``, ``skipped_documents``) are of the files reported on (the
    scope), which is all of them unless a config or the command line narrows it."""

    findings: list[Finding]
    sources: list[SourceFile]
    resources: int
    skipped_documents: int
    rules: tuple[Rule, ...]
    internal_errors: int = 0
    tracebacks: list[str] = field(default_factory=list)
    # Findings that a suppression silenced: not reported, not counted, but kept for the
    # formats that record them (SARIF ``suppressions``, JUnit ``skipped``).
    suppressed: list[tuple[Finding, Suppression]] = field(default_factory=list)

    files: int = 0
    meshes: int = 1  # mesh units analysed (environments, overlays, charts)
    rendered: int = 0  # of ``sources``, how many are renderer output, not files
    renders: int = 0  # kustomize and Helm meshes: their inputs lie beyond the run key

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def context_files(self) -> int:
        """Files read only to resolve references, beyond the reported ones."""
        return len(self.sources) - self.rendered - self.files


def analyse(
    paths: Iterable[str],
    settings: Settings = Settings(),
    rules: tuple[Rule, ...] = DEFAULT_RULES,
    limits: Limits = Limits(),
    progress: Progress | None = None,
    cache: ParseCache | None = None,
    jobs: int = 1,
    policy: Policy = Policy(),
    layout: LayoutOptions = LayoutOptions(),
) -> Report:
    """Analyse the files below ``paths``."""
    files = list(discover(paths))
    return analyse_files(files, settings, rules, limits, progress, cache, jobs, policy, layout)


def analyse_files(
    files: list[str],
    settings: Settings = Settings(),
    rules: tuple[Rule, ...] = DEFAULT_RULES,
    limits: Limits = Limits(),
    progress: Progress | None = None,
    cache: ParseCache | None = None,
    jobs: int = 1,
    policy: Policy = Policy(),
    layout: LayoutOptions = LayoutOptions(),
) -> Report:
    """Analyse ``files``, as ``discover`` found them (a workspace's): not looked at again."""
    with gc_paused():
        # Whole-run results are stored only for runs over files (standard input is read once).
        store = cache is not None and STDIN not in files
        contents = None
        if store:
            index = cache.stat_index
            contents = {path: read_keyed(path, cache, limits, index) for path in files}
            index.save()
            inputs = [
                (path, "unreadable" if isinstance(item, SourceFile) else item[0])
                for path, item in contents.items()
            ]
            key = run_key(cache, inputs, settings, rules, policy, layout)
            stored = load_result(cache, key)
            if stored is not None:
                return _stored_report(stored, contents, rules, limits)
        sources = load_files(files, limits, progress, cache, contents, write_behind=True)
        try:
            report = analyse_sources(sources, settings, rules, policy, jobs, layout)
        finally:
            if cache is not None:
                cache.wait()
        # A render reads files the run key does not cover (a base outside the named paths,
        # a chart's helpers): such runs are not stored whole; their renders are cached.
        if store and not report.internal_errors and not report.renders:
            save_result(cache, key, _result_of(report))
        return report


_STORED = (
    "findings",
    "files",
    "resources",
    "skipped_documents",
    "suppressed",
    "meshes",
    "rendered",
)


def _result_of(report: Report) -> dict:
    return {name: getattr(report, name) for name in _STORED}


def _stored_report(
    stored: dict, contents: dict[str, Keyed | SourceFile], rules: tuple[Rule, ...], limits: Limits
) -> Report:
    """A report from a stored result. Sources carry only their text, for excerpts and
    baseline fingerprints, and only the files that findings point into have it."""
    findings = [*stored["findings"], *(finding for finding, _ in stored["suppressed"])]
    needed = {f.file for f in findings} | {r.file for f in findings for r in f.related}
    sources = []
    for path, item in contents.items():
        if isinstance(item, SourceFile):
            sources.append(item)
            continue
        data = item[1] if path in needed else b""
        if data is None:  # known by the stat index, not read yet
            data = read_file(path, limits)
            data = b"" if isinstance(data, SourceFile) else data
        sources.append(SourceFile(path, _text(data)))
    return Report(sources=sources, rules=rules, **{name: stored[name] for name in _STORED})


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", "replace")


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Building hundreds of thousands of small containers triggers collection after
    collection of a heap that has no garbage cycles to find; pausing the collector for the
    run makes parsing and unpickling several times faster. On the way out the objects built
    are frozen (moved out of the collector's reach: they are freed by reference counting as
    usual), so re-enabling the collector does not start by traversing all of them."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


# Below this many resources the rules take less time than forking a second process.
MIN_RESOURCES_TO_SPLIT = 1000


def run_rule(mesh: Mesh, settings: Settings, rule: Rule) -> tuple[list[Finding], str | None]:
    """One rule's findings, and the traceback if it failed (its bug is contained: the findings
    it yielded before failing are kept, with an ``internal-error`` finding)."""
    found: list[Finding] = []
    try:
        found.extend(rule.check(mesh, settings.options_for(rule.name, dict(rule.options))))
    except Exception as error:
        found.append(_internal_error(f"rule {rule.name} ({rule.code})", error, mesh.sources))
        return found, traceback.format_exc()
    return found, None


def analyse_sources(
    sources: list[SourceFile],
    settings: Settings = Settings(),
    rules: tuple[Rule, ...] = DEFAULT_RULES,
    policy: Policy = Policy(),
    jobs: int = 1,
    layout: LayoutOptions = LayoutOptions(),
) -> Report:
    """Analyse parsed sources, mesh by mesh (``meshlint.layout``): each mesh unit the files
    form is built and checked on its own, and only the meshes that cover a file in the
    report scope are. With ``jobs`` above one and a large mesh, the rules are split between
    this process and forked ones (``parallel.run_split``)."""
    extraction, by_file, units = plan_units(sources, settings, policy.scope, layout)
    scope = policy.scope
    policy = report_policy(policy, units)
    findings: list[Finding] = []
    tracebacks: list[str] = []
    read = {source.path for source in sources}
    rendered = [s for unit in units for s in unit.sources if s.path not in read]
    mapped = [s for unit in units for s in unit.context]
    counted: set[int] = set()  # a shared file's resources are in every mesh: count them once
    for unit in units:
        unit_findings, live, _ = analyse_unit(
            unit, by_file, read, settings, rules, jobs, tracebacks
        )
        counted.update(
            id(r)
            for r in live
            if scope is None or r.source.path in scope or r.source.path not in read
        )
        if unit.named:
            unit_findings = [replace(f, mesh=unit.name) for f in unit_findings]
        findings.extend(unit_findings)
    if len(units) > 1:  # files shared by several meshes: one finding each
        findings = _once(findings)
    all_sources = [*sources, *mapped, *rendered]
    everything = [*extraction.resources, *(r for s in rendered for r in by_file.get(s.path, ()))]
    findings, suppressed = apply_policy(findings, all_sources, everything, rules, policy)
    covers = policy.scope  # the scope with the rendered meshes it names
    files = [s for s in (*sources, *mapped) if covers is None or s.path in covers]
    # Documents skipped in files analysed as they are (a kustomization file is no manifest).
    plain = {s.path for unit in units for s in unit.sources if s.path in read}
    skipped = [
        n
        for path, n in extraction.skipped.items()
        if path in plain and (covers is None or path in covers)
    ]
    return Report(
        findings=findings,
        sources=all_sources,
        files=len(files),
        resources=len(counted),
        skipped_documents=sum(skipped),
        rules=rules,
        internal_errors=len(tracebacks),
        tracebacks=tracebacks,
        suppressed=suppressed,
        meshes=len(units),
        rendered=len(rendered),
        renders=sum(1 for unit in units if unit.kind in ("kustomize", "helm")),
    )


def plan_units(
    sources: list[SourceFile],
    settings: Settings,
    scope: frozenset[str] | None,
    layout: LayoutOptions,
) -> tuple[Extraction, dict[str, list[Resource]], list[MeshUnit]]:
    """The resources of ``sources`` (all, and by file) and the mesh units they form; with a
    ``scope``, only the units that cover a file in it. Units are ``named`` (their findings
    carry the mesh) when the files form more than one mesh, or a rendered one."""
    extraction = extract_resources(sources, settings.default_namespace)
    by_file: dict[str, list[Resource]] = {}
    for resource in extraction.resources:
        by_file.setdefault(resource.source.path, []).append(resource)
    units = plan_meshes(sources, by_file, layout)
    if len(units) > 1 or any(unit.kind != "directory" for unit in units):
        for unit in units:
            unit.named = True
    if scope is not None:
        units = [unit for unit in units if not unit.members.isdisjoint(scope)]
    return extraction, by_file, units


def report_policy(policy: Policy, units: list[MeshUnit]) -> Policy:
    """``policy`` with its scope widened to the rendered meshes it names: a rendered mesh
    named on the command line is reported whole, as its findings point into the bases and
    templates it was rendered from."""
    scope = policy.scope
    if scope is not None:
        covered = [u.members for u in units if u.kind in ("kustomize", "helm")]
        if covered:
            policy = replace(policy, scope=scope.union(*covered))
    return policy


def analyse_unit(
    unit: MeshUnit,
    by_file: dict[str, list[Resource]],
    read: set[str],
    settings: Settings,
    rules: tuple[Rule, ...],
    jobs: int,
    tracebacks: list[str],
) -> tuple[list[Finding], list[Resource], Mesh]:
    """One mesh's findings, live resources (the last definition of each identity) and
    graph: built and checked by every rule, plus the notes of its layout."""
    rendered = [s for s in unit.sources if s.path not in read and s.path not in by_file]
    for resource in extract_resources(rendered, settings.default_namespace).resources:
        by_file.setdefault(resource.source.path, []).append(resource)  # once, in one call
    resources = [r for source in unit.sources for r in by_file.get(source.path, ())]
    live, duplicates = resolve_identities(resources)
    findings: list[Finding] = []
    try:
        mesh = build_mesh(live, unit.sources, settings)
    except Exception as error:  # still report what the files themselves got wrong
        tracebacks.append(traceback.format_exc())
        findings.append(_internal_error("building the mesh", error, unit.sources))
        mesh = build_mesh([], unit.sources, settings)
    mesh.duplicates = duplicates
    runnable = applicable(rules, mesh)
    if jobs > 1 and len(live) >= MIN_RESOURCES_TO_SPLIT:
        from meshlint.engine.parallel import run_split

        results = run_split(lambda i: run_rule(mesh, settings, runnable[i]), len(runnable), jobs)
    else:
        results = [run_rule(mesh, settings, rule) for rule in runnable]
    for rule_findings, failure in results:
        findings.extend(rule_findings)
        if failure is not None:
            tracebacks.append(failure)
    findings.extend(notes_to_findings(unit.notes, rules))
    if unit.origins is not None:
        findings = unit.origins.map_findings(findings)
    return findings, live, mesh


def applicable(rules: tuple[Rule, ...], mesh: Mesh) -> tuple[Rule, ...]:
    """The rules that can find something in ``mesh``: a rule that declares kinds is skipped
    when the mesh holds none of them (Istio's analyzers declare their inputs, and its
    framework skips what cannot apply, the same way). Kinds are compared by name, so a
    Gateway API Gateway keeps the Istio Gateway rules running: never a wrong skip."""
    present = {resource.kind for resource in mesh.resources}
    return tuple(rule for rule in rules if not rule.kinds or not present.isdisjoint(rule.kinds))


def _once(findings: list[Finding]) -> list[Finding]:
    """Drop repeats of a finding made in several meshes over a file they share, keeping the
    first mesh's."""
    seen: set[Finding] = set()
    kept = []
    for finding in findings:
        key = replace(finding, mesh=None)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def _internal_error(what: str, error: Exception, sources: list[SourceFile]) -> Finding:
    """An ``internal-error`` finding at the resource being worked on when ``error`` was raised:
    the innermost frame of the traceback that holds a Resource (or a record of one) names it.
    Findings the rule yielded before it failed are kept; the rest of its results are lost."""
    frames = traceback.extract_tb(error.__traceback__) if error.__traceback__ else []
    where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    resource = _failing_resource(error)
    about = f" on {resource.display} ({resource.source.path})" if resource else ""
    message = (
        f"{what} failed{about}: {type(error).__name__}: {error}{where}; the results of "
        "that rule may be incomplete. This is a meshlint bug, please report it with the "
        "manifest (run with --debug for the traceback)"
    )
    if resource is not None:
        return report(INTERNAL_ERROR, resource, (), message)
    return report_at(INTERNAL_ERROR, sources[0].path if sources else "<none>", 0, 0, message)


def _failing_resource(error: Exception) -> Resource | None:
    frames = []
    tb = error.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for value in frame.f_locals.values():
            for candidate in (value, *(getattr(value, a, None) for a in _RECORD_FIELDS)):
                if isinstance(candidate, Resource):
                    return candidate
    return None


# Graph records (Workload, Destination, GatewayRef) name their resource in these fields.
_RECORD_FIELDS = ("resource", "virtual_service")
