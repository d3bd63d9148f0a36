"""A cache of parsed files, keyed by content, so a second run does not parse again.

Each entry is one file's parse result (documents with positions and reading problems), stored
under the BLAKE2 hash of the file's bytes salted with everything that can change the result
(meshlint's version, the Python version, the parse limits). A changed file has another key, so
a stale entry can never be used; entries are written to a temporary file and renamed into place,
so runs that share the cache never see half an entry; an entry that cannot be read is a miss.

Entries are pickles, read with an unpickler that only admits meshlint's ``PosDict`` and
``PosList`` classes: a planted cache file cannot make meshlint run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import tempfile
from pathlib import Path

from meshlint import __version__
from meshlint.yamlpos import Limits, ParseProblem, PosDict, PosList

__all__ = ["ParseCache", "default_cache_dir"]

FORMAT = 1
Entry = tuple[list[tuple[object, int, int, int]], list[ParseProblem], bool]
_ALLOWED = {("meshlint.yamlpos", "PosDict"): PosDict, ("meshlint.yamlpos", "PosList"): PosList}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache") from None


def default_cache_dir() -> Path:
    return Path(os.environ.get("MESHLINT_CACHE_DIR") or ".meshlint_cache")


class ParseCache:
    def __init__(self, directory: Path, limits: Limits = Limits()) -> None:
        self.root = Path(directory) / f"v{FORMAT}"
        salt = f"{__version__}|{sys.version_info[:2]}|{limits}".encode()
        self._salt = hashlib.blake2b(salt, digest_size=16).digest()
        self.hits = 0
        self.misses = 0

    def key(self, data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=20, key=self._salt).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def misses_among(self, paths: list[str]) -> list[str]:
        """The paths whose current content has no entry yet (unreadable ones count)."""
        misses = []
        for path in paths:
            try:
                with open(path, "rb") as handle:
                    key = self.key(handle.read())
            except OSError:
                misses.append(path)
                continue
            if not self._path(key).is_file():
                misses.append(path)
        return misses

    def get(self, key: str) -> Entry | None:
        try:
            with open(self._path(key), "rb") as handle:
                payload = handle.read()
            documents, problems, has_text = _SafeUnpickler(io.BytesIO(payload)).load()
            entry = (documents, [ParseProblem(*p) for p in problems], bool(has_text))
        except Exception:  # missing, partial, corrupted or foreign: a miss
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, documents: list, problems: list[ParseProblem], has_text: bool):
        rows = [(p.kind, p.line, p.column, p.message) for p in problems]
        payload = pickle.dumps((documents, rows, has_text), protocol=pickle.HIGHEST_PROTOCOL)
        target = self._path(key)
        temporary = None
        try:
            if not target.parent.is_dir():
                self._prepare(target.parent)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(payload)
            os.replace(temporary, target)
            temporary = None
        except OSError:
            pass  # a read-only or full disk makes the cache useless, not the run wrong
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def _prepare(self, shard: Path) -> None:
        top = self.root.parent
        if not top.is_dir():
            top.mkdir(parents=True, exist_ok=True)
            # Keep the cache out of version control and backups, as ruff and pytest do.
            (top / ".gitignore").write_text("# Created by meshlint\n*\n")
            (top / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n# meshlint cache\n"
            )
        shard.mkdir(parents=True, exist_ok=True)
