"""``meshlint --fix`` and ``--diff``: lint, repair, lint again.

``--fix`` applies the fixes findings carry in passes: each pass edits every file with
fixes (fixes that touch the same node wait for the next pass), then the whole run is linted
again, so that later passes see the repaired files and what remains is reported. At most
``MAX_PASSES`` passes are made. ``--diff`` shows the first pass as a unified diff and writes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from meshlint.engine.analyse import Report
from meshlint.fix import fix_files, fixable, unified_diff, write_file

__all__ = ["MAX_PASSES", "apply_fixes", "show_diff"]

MAX_PASSES = 10


def apply_fixes(lint: Callable[[], Report], unsafe: bool, stderr: TextIO) -> Report:
    """Lint, fix and lint again until nothing more is fixed; the last report, with the number
    of problems fixed."""
    report = lint()
    fixed = 0
    for _ in range(MAX_PASSES):
        results = [r for r in fix_files(report.findings, unsafe) if r.changed]
        if not results:
            break
        for result in results:
            try:
                write_file(result.path, result.new)
            except OSError as error:
                stderr.write(f"meshlint: cannot write {result.path}: {error.strerror}\n")
                continue
            fixed += len(result.applied)
        report = lint()
    _hint_unsafe(report, unsafe, stderr)
    report.fixed = fixed
    return report


def show_diff(report: Report, unsafe: bool, stdout: TextIO, stderr: TextIO) -> bool:
    """Print the first pass of fixes as a unified diff; True when there is something to fix."""
    results = fix_files(report.findings, unsafe)
    stdout.write(unified_diff(results))
    count = sum(len(r.applied) for r in results if r.changed)
    waiting = sum(len(r.deferred) for r in results)
    more = f" ({waiting} more after these are applied)" if waiting else ""
    stderr.write(f"meshlint: would fix {count} problem{'' if count == 1 else 's'}{more}\n")
    _hint_unsafe(report, unsafe, stderr)
    return count > 0


def _hint_unsafe(report: Report, unsafe: bool, stderr: TextIO) -> None:
    if unsafe:
        return
    hidden = len(fixable(report.findings, unsafe=True)) - len(fixable(report.findings))
    if hidden:
        stderr.write(
            f"meshlint: {hidden} more fix{'' if hidden == 1 else 'es'} available with "
            "--unsafe-fixes (they may change what the mesh does)\n"
        )
