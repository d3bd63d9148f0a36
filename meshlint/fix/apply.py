"""Apply the repairs findings carry: one pass over the files, then ``--diff`` or a write.

A pass takes each file with fixes, turns every fix into text changes of its own nodes
(``edits``), sets aside a fix whose changes overlap one already taken (it waits for the next
pass, made after meshlint lints the result again), and proves the result with ruamel.yaml
(``verify``); a fix that fails the proof is dropped, never written. Files are written
atomically (a temporary file in the same directory, renamed over the original) with their
permissions kept.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

import yaml

from meshlint.findings import Edit, Finding, Fix, FixSafety
from meshlint.fix.edits import Document, Refused, Replacement, compose, replacements
from meshlint.fix.verify import verify
from meshlint.input.goyaml import mask_flow_colons

__all__ = ["FileFix", "fix_files", "fixable", "unified_diff", "write_file"]

_BOM = "\ufeff"


@dataclass(slots=True)
class FileFix:
    """One file's pass: its text before and after, and what became of each finding's fix."""

    path: str
    old: str
    new: str
    applied: list[Finding] = field(default_factory=list)
    deferred: list[Finding] = field(default_factory=list)  # overlapping: the next pass
    refused: list[tuple[Finding, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new != self.old


def fixable(findings: Iterable[Finding], unsafe: bool = False) -> list[Finding]:
    """The findings whose fix this run applies: safe ones, and unsafe ones with ``unsafe``."""
    return [f for f in findings if f.fix is not None and (unsafe or f.fix.safety is FixSafety.SAFE)]


def fix_files(findings: Iterable[Finding], unsafe: bool = False) -> list[FileFix]:
    """One pass over every file a chosen fix edits, in memory (``write_file`` writes)."""
    by_file: dict[str, list[Finding]] = {}
    for finding in fixable(findings, unsafe):
        by_file.setdefault(finding.fix.file, []).append(finding)  # type: ignore[union-attr]
    return [_fix_file(path, chosen) for path, chosen in sorted(by_file.items())]


def _read(path: str) -> str | None:
    try:
        with open(path, "rb") as stream:
            return stream.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _fix_file(path: str, findings: list[Finding]) -> FileFix:
    text = _read(path)
    if text is None:
        return FileFix(path, "", "", refused=[(f, "the file cannot be read") for f in findings])
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    result = FileFix(path, text, text)
    if "\r" in body.replace("\r\n", ""):
        result.refused = [(f, "the file ends lines with a lone CR") for f in findings]
        return result
    try:
        documents = compose(mask_flow_colons(body)[0])
    except yaml.YAMLError:
        result.refused = [(f, "the file does not parse") for f in findings]
        return result
    taken: list[tuple[Finding, list[Replacement]]] = []
    seen: list[Fix] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        fix = finding.fix
        assert fix is not None
        if fix in seen:  # the same repair offered twice (by two rules, or two meshes)
            result.applied.append(finding)
            continue
        try:
            changes = _changes(body, documents, fix)
        except Refused as error:
            result.refused.append((finding, str(error)))
            continue
        if any(_overlap(a, b) for _, other in taken for a in changes for b in other):
            result.deferred.append(finding)
            continue
        taken.append((finding, changes))
        seen.append(fix)
    new = _edited(body, [c for _, changes in taken for c in changes])
    if taken and verify(body, new, _located(f.fix for f, _ in taken)) is not None:
        taken = _each_proved(body, taken, result)
        new = _edited(body, [c for _, changes in taken for c in changes])
        if taken and (why := verify(body, new, _located(f.fix for f, _ in taken))) is not None:
            result.refused.extend((f, why) for f, _ in taken)  # each holds alone, not together
            taken, new = [], body
    result.applied.extend(f for f, _ in taken)
    result.new = bom + new
    return result


def _each_proved(
    body: str, taken: list[tuple[Finding, list[Replacement]]], result: FileFix
) -> list[tuple[Finding, list[Replacement]]]:
    kept = []
    for finding, changes in taken:
        why = verify(body, _edited(body, changes), _located([finding.fix]))
        if why is None:
            kept.append((finding, changes))
        else:
            result.refused.append((finding, why))
    return kept


def _located(fixes: Iterable[Fix | None]) -> list[tuple[int, tuple, Edit]]:
    return [(fix.document, _base(fix), edit) for fix in fixes if fix for edit in fix.edits]


def _base(fix: Fix) -> tuple:
    return ("items", fix.item) if fix.item >= 0 else ()


def _changes(text: str, documents: list[Document], fix: Fix) -> list[Replacement]:
    if not 0 <= fix.document < len(documents):
        raise Refused("the document is not in the file any more")
    document = documents[fix.document]
    changes: list[Replacement] = []
    for edit in fix.edits:
        for change in replacements(text, document, _base(fix), edit):
            if any(_overlap(change, other) for other in changes):
                raise Refused("the fix's own edits overlap")
            changes.append(change)
    return changes


def _overlap(a: Replacement, b: Replacement) -> bool:
    """Do two changes touch the same characters (or insert at the same place)?"""
    if a.start == a.end or b.start == b.end:
        return a.start <= b.end and b.start <= a.end
    return a.start < b.end and b.start < a.end


def _edited(text: str, changes: list[Replacement]) -> str:
    for change in sorted(changes, key=lambda c: (c.start, c.end), reverse=True):
        text = text[: change.start] + change.new + text[change.end :]
    return text


def unified_diff(results: Iterable[FileFix]) -> str:
    """A unified diff of the changed files (``patch -p0`` applies it from the directory
    meshlint ran in)."""
    out = []
    for result in results:
        if result.changed:
            lines = difflib.unified_diff(
                result.old.splitlines(keepends=True),
                result.new.splitlines(keepends=True),
                fromfile=result.path,
                tofile=result.path,
            )
            for line in lines:
                out.append(
                    line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                )
    return "".join(out)


def write_file(path: str, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, keeping its permissions."""
    mode = stat.S_IMODE(os.stat(path).st_mode)
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".meshlint-fix-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        temporary = ""
    finally:
        if temporary:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
