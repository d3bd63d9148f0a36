"""A cache of whole-run results, for the commonest case of all: nothing changed since the
last run (a pre-commit hook run twice, CI re-run on the same commit).

A result is stored under a key that covers everything a run's findings depend on: meshlint's
version and code (``cache.code_fingerprint``), the Python version and the parse limits (the
parse cache's salt), the working directory, every input file's path and content hash, the
settings (including the contents of a mesh-config file and of a user schema directory), the
selected rules, and the reporting policy (scope, severities, per-file ignores, the baseline's
contents). Any change to any of them is another key, so a stored result can never stand for a
different input. Runs that met an internal error, that read standard input, or that rendered
a kustomization or chart (a render reads files the key does not cover) are never stored.

``StoredRun`` is all the engine sees of this: ``analyse_files`` asks it for a stored report
before analysing and gives it the report after.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ClassVar

from meshlint.engine.report import Report
from meshlint.findings import Edit, Finding, Fix, FixSafety, Location, Severity, Suppression
from meshlint.input.cache import ParseCache, SafeUnpickler
from meshlint.input.cachefiles import modification_time, write_atomically
from meshlint.input.loader import STDIN, Keyed, SourceFile, read_file, read_keyed
from meshlint.input.resources import ResourceRef
from meshlint.layout.plan import LayoutOptions

if TYPE_CHECKING:
    from meshlint.config.settings import Settings
    from meshlint.engine.run import Run
    from meshlint.engine.verdict import Policy
    from meshlint.rules import Rule

__all__ = ["StoredRun", "load_result", "run_key", "save_result"]

KEEP = 4  # results kept; older ones are removed
_CLASSES = (Edit, Finding, Fix, FixSafety, Location, ResourceRef, Severity, Suppression)


def _file_digest(path: str | None) -> str:
    if not path:
        return ""
    digest = hashlib.blake2b(digest_size=16)
    root = Path(path)
    files = sorted(root.rglob("*")) if root.is_dir() else [root]
    for file in files:
        try:
            if file.is_file():
                digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


def run_key(
    cache: ParseCache,
    inputs: list[tuple[str, str]],
    settings: Settings,
    rules: Iterable[Rule],
    policy: Policy,
    layout: LayoutOptions = LayoutOptions(),
) -> str:
    """The key of a run: ``inputs`` are (path, content key) in reading order."""
    baseline = policy.baseline
    parts = [
        cache.key(b"run"),
        os.getcwd(),
        repr(inputs),
        repr(settings),
        _file_digest(settings.mesh_config_file),
        _file_digest(settings.schemas_dir),
        repr([rule.code for rule in rules]),
        repr(sorted(policy.scope) if policy.scope is not None else None),
        repr(sorted((k, int(v)) for k, v in policy.severity.items())),
        repr([(glob, sorted(codes)) for _, codes, glob in policy.per_file_ignores]),
        repr(sorted(baseline.counts.items()) if baseline is not None else None),
        layout.key(),
    ]
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=20).hexdigest()


def _directory(cache: ParseCache) -> Path:
    return cache.root / "results"


class _Unpickler(SafeUnpickler):
    allowed: ClassVar[dict[tuple[str, str], type]] = {
        **SafeUnpickler.allowed,
        **{(c.__module__, c.__name__): c for c in _CLASSES},
    }


def load_result(cache: ParseCache, key: str) -> dict | None:
    try:
        with open(_directory(cache) / f"{key}.result", "rb") as handle:
            result = _Unpickler(io.BytesIO(handle.read())).load()
    except Exception:  # absent, partial, corrupted or foreign: run again
        return None
    return result if isinstance(result, dict) and result.get("key") == key else None


def save_result(cache: ParseCache, key: str, result: dict) -> None:
    directory = _directory(cache)
    stored = {**result, "key": key}

    def dump(stream: BinaryIO) -> None:
        pickle.dump(stored, stream, protocol=pickle.HIGHEST_PROTOCOL)

    if not write_atomically(directory / f"{key}.result", dump, cache.root.parent):
        return
    with contextlib.suppress(OSError):
        for old in sorted(directory.glob("*.result"), key=modification_time)[:-KEEP]:
            old.unlink()


# The fields of a Report that a stored result keeps.
_STORED = (
    "findings",
    "files",
    "resources",
    "skipped_documents",
    "suppressed",
    "meshes",
    "rendered",
)


@dataclass
class StoredRun:
    """The whole-run result of a run over files: found under its key, or stored there."""

    cache: ParseCache
    key: str
    # Each file's cache key and content (or why it cannot be read), read once: for the key,
    # and then for the loader, which takes them from here instead of reading again.
    contents: dict[str, Keyed | SourceFile]
    run: Run

    @classmethod
    def open(cls, files: list[str], run: Run) -> StoredRun | None:
        """None without a cache, or when the run reads standard input (read once)."""
        cache = run.cache
        if cache is None or STDIN in files:
            return None
        index = cache.stat_index
        contents = {path: read_keyed(path, cache, run.limits, index) for path in files}
        index.save()
        inputs = [
            (path, "unreadable" if isinstance(item, SourceFile) else item[0])
            for path, item in contents.items()
        ]
        key = run_key(cache, inputs, run.settings, run.rules, run.policy, run.layout)
        return cls(cache, key, contents, run)

    def load(self) -> Report | None:
        """The stored report, if this run was stored. Sources carry only their text, for
        excerpts and baseline fingerprints, and only the files that findings point into
        have it."""
        stored = load_result(self.cache, self.key)
        if stored is None:
            return None
        findings = [*stored["findings"], *(finding for finding, _ in stored["suppressed"])]
        needed = {f.file for f in findings} | {r.file for f in findings for r in f.related}
        sources = []
        for path, item in self.contents.items():
            if isinstance(item, SourceFile):
                sources.append(item)
                continue
            data = item[1] if path in needed else b""
            if data is None:  # known by the stat index, not read yet
                data = read_file(path, self.run.limits)
                data = b"" if isinstance(data, SourceFile) else data
            sources.append(SourceFile(path, data.decode("utf-8-sig", "replace")))
        fields = {name: stored[name] for name in _STORED}
        return Report(sources=sources, rules=self.run.rules, **fields)

    def save(self, report: Report) -> None:
        """Store ``report``, unless it met an internal error or rendered: a render reads
        files the key does not cover (a base outside the named paths, a chart's helpers),
        so such runs are not stored whole (their renders are cached)."""
        if not report.internal_errors and not report.renders:
            save_result(self.cache, self.key, {name: getattr(report, name) for name in _STORED})
