"""``meshlint rules test FILE...``: run every policy's examples (sqlfluff tests its rules
from named YAML cases the same way). Each ``bad`` example must draw at least one finding of
its policy, and no ``good`` example may draw one; the example is analysed alone, with the
default settings and only that policy selected.

Exit status: 0 every example behaves, 1 some example does not, 2 a policy file cannot be
read (its errors name the line and column).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from meshlint.engine.analyse import analyse_sources
from meshlint.engine.run import Run
from meshlint.input.loader import load_text
from meshlint.rules import RULES, Rule
from meshlint.rules.policies import PolicyError, PolicySpec, load_specs, pack_dir, policy_files

__all__ = ["example_failures", "rules_test_command"]


def rules_test_command(argv: Sequence[str], stdout: TextIO, stderr: TextIO, parser_class) -> int:
    parser = parser_class(
        prog="meshlint rules test",
        description="Run the examples of policy files: each bad example must draw a finding "
        "of its policy, no good example may.",
    )
    parser.add_argument("paths", nargs="+", metavar="FILE", help="policy files or directories")
    args = parser.parse_args(argv)
    files = policy_files(args.paths)
    pack = _in_pack(files)
    shown = {str(path.resolve()) for path in files}
    # A policy tested here may be one of the pack's, already registered: not a clash.
    taken = [r for r in RULES if not (r.origin and str(Path(r.origin).resolve()) in shown)]
    try:
        loaded = load_specs(files, taken, pack)
    except PolicyError as error:
        stderr.write(f"{error}\n")
        return 2
    failed = 0
    for spec, rule in loaded:
        problems = example_failures(spec, rule)
        count = len(spec.bad) + len(spec.good)
        if not count:
            stdout.write(f"{spec.path}: {rule.code} {rule.name}: no examples to run\n")
        for problem in problems:
            stdout.write(f"{problem}\n")
        if problems:
            failed += 1
        elif count:
            stdout.write(f"{spec.path}: {rule.code} {rule.name}: {count} examples pass\n")
    total = len(loaded)
    stdout.write(f"{total - failed} of {total} policies pass their examples\n")
    return 1 if failed else 0


def _in_pack(files: list[Path]) -> bool:
    directory = pack_dir()
    if directory is None or not files:
        return False
    root = directory.resolve()
    return all(path.resolve().is_relative_to(root) for path in files)


def example_failures(spec: PolicySpec, rule: Rule) -> list[str]:
    """What goes wrong with the policy's examples, one line each (empty: they behave)."""
    problems = []
    for example, bad in [*((e, True) for e in spec.bad), *((e, False) for e in spec.good)]:
        where = f"{spec.path}:{example.line}: {example.label}"
        source = load_text(f"{spec.path}#{example.label}", example.text)
        if source.problems:
            first = source.problems[0]
            problems.append(f"{where}: not a valid manifest: {first.message}")
            continue
        found = _findings(source, rule)
        if bad and not found:
            problems.append(f"{where}: draws no finding of {rule.code} ({rule.name})")
        elif not bad and found:
            first = found[0]
            problems.append(
                f"{where}: draws {len(found)} finding(s) of {rule.code} ({rule.name}), "
                f"the first at line {first.line}: {first.message}"
            )
    return problems


def _findings(source, rule: Rule) -> list:
    report = analyse_sources([source], Run(rules=(rule,)))
    return [f for f in report.findings if f.code == rule.code]
