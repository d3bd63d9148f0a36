"""The engine: build the mesh of each mesh unit, run the selected rules on it, and decide
what is reported.

Rules only produce findings; selection, severity and containment of rule failures happen
here, in one place. Everything a run needs comes in one ``Run``; the whole-run result cache
is ``results.StoredRun``.
"""

from __future__ import annotations

import contextlib
import gc
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import replace

from meshlint.config.settings import Settings
from meshlint.engine.report import Report
from meshlint.engine.results import StoredRun
from meshlint.engine.run import Run
from meshlint.engine.verdict import Policy, apply_policy
from meshlint.facts.graph import Mesh, build_mesh
from meshlint.findings import Finding
from meshlint.input.loader import Progress, SourceFile, discover, load_files
from meshlint.input.resources import Extraction, Resource, extract_resources
from meshlint.layout import MeshUnit, plan_meshes, resolve_identities
from meshlint.rules import Rule, find_rule
from meshlint.rules.base import report, report_at
from meshlint.rules.input.layout_notes import notes_to_findings

__all__ = [
    "analyse",
    "analyse_files",
    "analyse_sources",
    "analyse_unit",
    "plan_units",
    "report_policy",
]

INTERNAL_ERROR = find_rule("internal-error")


def analyse(paths: Iterable[str], run: Run = Run(), progress: Progress | None = None) -> Report:
    """Analyse the files below ``paths``."""
    return analyse_files(list(discover(paths)), run, progress)


def analyse_files(files: list[str], run: Run = Run(), progress: Progress | None = None) -> Report:
    """Analyse ``files``, as ``discover`` found them (a workspace's): not looked at again.
    With a cache, a run whose inputs have not changed since it was stored is not analysed
    again."""
    with gc_paused():
        stored = StoredRun.open(files, run)
        if stored is not None and (report := stored.load()) is not None:
            return report
        contents = stored.contents if stored is not None else None
        sources = load_files(files, run.limits, progress, run.cache, contents, write_behind=True)
        try:
            report = analyse_sources(sources, run)
        finally:
            if run.cache is not None:
                run.cache.wait()
        if stored is not None:
            stored.save(report)
        return report


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
        found.extend(rule.check(mesh, settings.options_for(rule.name, rule.defaults)))
    except Exception as error:
        found.append(_internal_error(f"rule {rule.name} ({rule.code})", error, mesh.sources))
        return found, traceback.format_exc()
    return found, None


def analyse_sources(sources: list[SourceFile], run: Run = Run()) -> Report:
    """Analyse parsed sources, mesh by mesh (``meshlint.layout``): each mesh unit the files
    form is built and checked on its own, and only the meshes that cover a file in the
    report scope are. With ``run.jobs`` above one and a large mesh, the rules are split
    between this process and forked ones (``parallel.run_split``)."""
    extraction, by_file, units = plan_units(sources, run)
    rules, policy = run.rules, run.policy
    scope = policy.scope
    policy = report_policy(policy, units)
    findings: list[Finding] = []
    tracebacks: list[str] = []
    read = {source.path for source in sources}
    rendered = [s for unit in units for s in unit.sources if s.path not in read]
    mapped = [s for unit in units for s in unit.context]
    counted: set[int] = set()  # a shared file's resources are in every mesh: count them once
    for unit in units:
        unit_findings, live, _ = analyse_unit(unit, by_file, read, run, tracebacks)
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
    sources: list[SourceFile], run: Run
) -> tuple[Extraction, dict[str, list[Resource]], list[MeshUnit]]:
    """The resources of ``sources`` (all, and by file) and the mesh units they form; with a
    report scope, only the units that cover a file in it. Units are ``named`` (their
    findings carry the mesh) when the files form more than one mesh, or a rendered one."""
    extraction = extract_resources(sources, run.settings.default_namespace)
    by_file: dict[str, list[Resource]] = {}
    for resource in extraction.resources:
        by_file.setdefault(resource.source.path, []).append(resource)
    units = plan_meshes(sources, by_file, run.layout)
    scope = run.policy.scope
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
    run: Run,
    tracebacks: list[str],
) -> tuple[list[Finding], list[Resource], Mesh]:
    """One mesh's findings, live resources (the last definition of each identity) and
    graph: built and checked by every rule, plus the notes of its layout."""
    settings, rules = run.settings, run.rules
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
    if run.jobs > 1 and len(live) >= MIN_RESOURCES_TO_SPLIT:
        from meshlint.engine.parallel import run_split

        results = run_split(
            lambda i: run_rule(mesh, settings, runnable[i]), len(runnable), run.jobs
        )
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
    seen: dict[Finding, int] = {}
    kept: list[Finding] = []
    for finding in findings:
        key = replace(finding, mesh=None)
        at = seen.get(key)
        if at is None:
            seen[key] = len(kept)
            kept.append(finding)
        elif kept[at].fix is None and finding.fix is not None:  # a repair of the file itself
            kept[at] = replace(kept[at], fix=finding.fix)
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
