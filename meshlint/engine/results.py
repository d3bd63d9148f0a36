"""A cache of whole-run results, for the commonest case of all: nothing changed since the
last run (a pre-commit hook run twice, CI re-run on the same commit).

A result is stored under a key that covers everything a run's findings depend on: meshlint's
version and code (``cache.code_fingerprint``), the Python version and the parse limits (the
parse cache's salt), the working directory, every input file's path and content hash, the
settings (including the contents of a mesh-config file and of a user schema directory), the
selected rules, and the reporting policy (scope, severities, per-file ignores, the baseline's
contents). Any change to any of them is another key, so a stored result can never stand for a
different input. Runs that met an internal error, or that read standard input, are never
stored.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, ClassVar

from meshlint.findings import Finding, Location, Severity, Suppression
from meshlint.input.cache import ParseCache, SafeUnpickler
from meshlint.input.cachefiles import modification_time, write_atomically
from meshlint.input.resources import ResourceRef
from meshlint.layout.plan import LayoutOptions

if TYPE_CHECKING:
    from meshlint.config.settings import Settings
    from meshlint.engine.verdict import Policy
    from meshlint.rules import Rule

__all__ = ["load_result", "run_key", "save_result"]

KEEP = 4  # results kept; older ones are removed
_CLASSES = (Finding, Location, ResourceRef, Severity, Suppression)


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
        repr([_file_digest(rule.origin) for rule in rules if rule.origin]),  # policy files
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
