"""``meshlint meshes [PATHS]``: the meshes a repository holds, and why.

Each mesh (a directory tree, an environment, a rendered kustomize overlay, a Helm chart) is
analysed on its own; this lists them with the files each covers and the reason it is one, so
a user can see what detection decided before configuring ``meshes`` and ``shared``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TextIO

from meshlint.config.file import ConfigError
from meshlint.engine.analyse import plan_units
from meshlint.engine.project import prepare
from meshlint.input.loader import load_files
from meshlint.layout import MeshUnit, Note, NoteKind
from meshlint.rules import RULES

__all__ = ["meshes_command"]


def meshes_command(
    argv: Sequence[str], stdout: TextIO, parser_class: type[argparse.ArgumentParser]
) -> int:
    parser = parser_class(
        prog="meshlint meshes",
        description="List the meshes the files form (environments, overlays, charts) and why.",
    )
    parser.add_argument("paths", nargs="*", default=[], metavar="PATH")
    parser.add_argument("--config", metavar="FILE")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--no-render", action="store_true", help="do not run kustomize or Helm")
    args = parser.parse_args(argv)
    try:
        run = prepare(
            args.paths,
            config_file=args.config,
            overrides={"render": False} if args.no_render else None,
        )
    except (ConfigError, ValueError) as error:
        parser.error(str(error))
    sources = load_files(list(run.workspace.files), run.limits)
    _, _, units = plan_units(sources, run)
    if args.format == "json":
        json.dump([_unit_dict(u) for u in units], stdout, indent=2)
        stdout.write("\n")
        return 0
    for unit in units:
        files = len([m for m in unit.members if not m.endswith(">")])
        stdout.write(f"{unit.name}  ({unit.kind}, {files} file{'' if files == 1 else 's'})\n")
        stdout.write(f"    {unit.reason}\n")
        for note in unit.notes:
            if note.kind is not NoteKind.LIST_REPLACED:
                stdout.write(f"    {_rule_of(note)}: {note.message}\n")
    count = len(units)
    stdout.write(f"{count} mesh{'' if count == 1 else 'es'}\n")
    return 0


def _unit_dict(unit: MeshUnit) -> dict:
    return {
        "name": unit.name,
        "kind": unit.kind,
        "files": sorted(m for m in unit.members if not m.endswith(">")),
        "reason": unit.reason,
        "notes": [
            {"rule": _rule_of(n), "file": n.file, "line": n.line + 1, "message": n.message}
            for n in unit.notes
        ],
    }


def _rule_of(note: Note) -> str:
    """The name of the rule that reports notes of this kind."""
    return next(rule.name for rule in RULES if rule.problem is note.kind)
