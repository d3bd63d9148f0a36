"""Each mesh of a run with its graph and its findings, for the commands that show a mesh
(``meshlint graph``) instead of listing findings.

The meshes are those of a normal run (``plan_units``: the same environments, overlays and
charts, limited to the report scope), analysed by the same rules, and each mesh's findings
go through the same verdict (suppressions, scope, per-file ignores, severities, baseline).
Unlike a normal report, a finding in a file that several meshes share is kept in each of
them: every graph shows what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from meshlint.engine.analyse import analyse_unit, gc_paused, plan_units, report_policy
from meshlint.engine.run import Run
from meshlint.engine.verdict import apply_policy
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding
from meshlint.input.loader import SourceFile
from meshlint.input.resources import Resource
from meshlint.layout import MeshUnit

__all__ = ["AnalysedMesh", "analyse_meshes"]


@dataclass(slots=True)
class AnalysedMesh:
    unit: MeshUnit
    mesh: Mesh
    findings: list[Finding]  # reported ones, after the verdict
    # The files reported on (None: all): the rest of the mesh is context. A rendered mesh
    # in the scope is reported whole.
    scope: frozenset[str] | None = None

    def in_scope(self, resource: Resource) -> bool:
        return self.scope is None or resource.source.path in self.scope


def analyse_meshes(
    sources: list[SourceFile], run: Run = Run()
) -> tuple[list[AnalysedMesh], list[str]]:
    """Every mesh of ``sources`` in the report scope, built, checked and judged; and the
    tracebacks of the rules that failed (their ``internal-error`` findings are included)."""
    with gc_paused():
        extraction, by_file, units = plan_units(sources, run)
        policy = report_policy(run.policy, units)
        read = {source.path for source in sources}
        tracebacks: list[str] = []
        checked = []
        for unit in units:
            found, _, mesh = analyse_unit(unit, by_file, read, run, tracebacks)
            if unit.named:
                found = [replace(f, mesh=unit.name) for f in found]
            checked.append((unit, mesh, found))
        rendered = [s for unit in units for s in unit.sources if s.path not in read]
        mapped = [s for unit in units for s in unit.context]
        everything = [*sources, *mapped, *rendered]
        resources = [
            *extraction.resources,
            *(r for s in rendered for r in by_file.get(s.path, ())),
        ]
        meshes = []
        for unit, mesh, found in checked:
            kept, _ = apply_policy(found, everything, resources, run.rules, policy)
            rendered_unit = unit.kind in ("kustomize", "helm")
            scope = None if rendered_unit else policy.scope
            meshes.append(AnalysedMesh(unit, mesh, kept, scope))
    return meshes, tracebacks
