"""A cache of parsed files, keyed by content, so a second run does not parse again.

Each entry is one file's parse result (documents, with positions when the exact parser read
them, and reading problems), stored under the BLAKE2 hash of the file's bytes salted with
everything that can change the result (meshlint's version and code, the Python version, the
parse limits). A changed file has another key, so a stale entry can never be used.

Entries live in pack files: a run reads every pack once, and writes the entries it had to
create into one new pack (one file write, not one per manifest). When packs pile up, a run
that wrote one compacts: it writes the entries it used into a single pack and removes the
packs it read. Packs are written to a temporary file and renamed into place, so runs that
share the cache never see half a pack; a pack that vanishes or cannot be read is a miss.

Packs are pickles, read with an unpickler that only admits meshlint's ``PosDict`` and
``PosList`` classes: a planted cache file cannot make meshlint run code.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import pickle
import secrets
import sys
from array import _array_reconstructor as array_reconstructor
from array import array
from pathlib import Path
from typing import ClassVar

from meshlint import __version__
from meshlint.input.cachefiles import modification_time, write_atomically
from meshlint.input.limits import Limits
from meshlint.input.positions import PosDict, PosList
from meshlint.input.problems import ParseProblem, ProblemKind
from meshlint.input.statindex import StatIndex

__all__ = ["ParseCache", "SafeUnpickler", "default_cache_dir"]

# 3: documents may come without positions (read by the fast path); 4: entries hold the text;
# 5: problems hold the name of their ProblemKind (4 held the name of a rule, "yaml-syntax"),
# and PosDict and PosList are pickled from meshlint.input.positions
FORMAT = 5
MAX_PACKS = 8
Entry = tuple[list[tuple[object, int, int, int]], list[ParseProblem], str]


class SafeUnpickler(pickle.Unpickler):
    """Admits only the classes in ``allowed``: no other callable can be reached."""

    allowed: ClassVar[dict[tuple[str, str], type]] = {
        (PosDict.__module__, "PosDict"): PosDict,
        (PosList.__module__, "PosList"): PosList,
        ("array", "_array_reconstructor"): array_reconstructor,
        ("array", "array"): array,
    }

    def find_class(self, module: str, name: str) -> type:
        try:
            return self.allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache") from None


def default_cache_dir() -> Path:
    return Path(os.environ.get("MESHLINT_CACHE_DIR") or ".meshlint_cache")


_PACKAGE = Path(__file__).resolve().parent.parent  # the meshlint package


@functools.cache
def code_fingerprint() -> str:
    """Which meshlint wrote an entry, finer than its version: the size and modification
    time of every file of the package and of the shipped schemas. A checkout that moved to
    another commit, or an edit while developing, is another meshlint, whose cached results
    must not be reused; stat-ing a few hundred files costs about a millisecond."""
    digest = hashlib.blake2b(digest_size=16)
    installed = (_PACKAGE / "_data").is_dir()  # a wheel; else a checkout, schemas beside it
    for root in (_PACKAGE,) if installed else (_PACKAGE, _PACKAGE.parent / "schemas"):
        for directory, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if name.endswith((".py", ".json")):
                    path = os.path.join(directory, name)
                    with contextlib.suppress(OSError):
                        info = os.stat(path)
                        digest.update(f"{path}|{info.st_size}|{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _problem(kind: str, line: int, column: int, message: str) -> ParseProblem:
    """A stored problem; a kind that is not the name of a ProblemKind (an entry of another
    shape) raises, and the entry is a miss."""
    if not (isinstance(line, int) and isinstance(column, int) and isinstance(message, str)):
        raise ValueError("not a stored problem")
    return ParseProblem(ProblemKind[kind], line, column, message)


class ParseCache:
    def __init__(self, directory: Path, limits: Limits = Limits()) -> None:
        self.root = Path(directory) / f"v{FORMAT}"
        salt = f"{__version__}|{code_fingerprint()}|{sys.version_info[:2]}|{limits}".encode()
        self._salt = hashlib.blake2b(salt, digest_size=16).digest()
        # Content keys by stat signature, for runs that need keys but not contents; one index
        # per salt, since the keys it holds are salted.
        self.stat_index = StatIndex(
            self.root / f"stat-index-{self._salt.hex()[:16]}.json", Path(directory)
        )
        self._entries: dict[str, tuple] | None = None
        self._packs: list[Path] = []
        self._used: set[str] = set()
        self._new: dict[str, tuple] = {}
        self._writer: int | None = None

    def key(self, data: bytes) -> str:
        return hashlib.blake2b(data, digest_size=20, key=self._salt).hexdigest()

    def _load(self) -> dict[str, tuple]:
        if self._entries is None:
            self._entries = {}
            try:
                self._packs = sorted(self.root.glob("*.pack"), key=modification_time)
            except OSError:
                self._packs = []
            for pack in self._packs:
                try:
                    with open(pack, "rb") as handle:
                        entries = SafeUnpickler(io.BytesIO(handle.read())).load()
                    if isinstance(entries, dict):
                        self._entries.update(entries)
                except Exception:  # vanished, partial, corrupted or foreign: ignore it
                    continue
        return self._entries

    def get(self, key: str) -> Entry | None:
        row = self._load().get(key)
        try:
            documents, problems, text = row  # type: ignore[misc]
            if not isinstance(text, str):
                return None
            entry = (documents, [_problem(*p) for p in problems], text)
        except Exception:  # absent or malformed: a miss
            return None
        self._used.add(key)
        return entry

    def put(self, key: str, documents: list, problems: list[ParseProblem], text: str):
        """Store a file's parse under its content key, with its decoded text: a run that knows
        the key from the stat index then needs neither to open the file nor to parse it."""
        self._new[key] = (
            documents,
            [(p.kind.name, p.line, p.column, p.message) for p in problems],
            text,
        )

    def flush(self, background: bool = False) -> None:
        """Write this run's new entries (compacting when packs pile up). In the background,
        a forked child serialises and writes them while this process goes on with the
        analysis (on another core); ``wait`` before exiting."""
        if not self._new:
            return
        if background and hasattr(os, "fork"):
            pid = os.fork()
            if pid == 0:  # the child: write, then leave without running any exit handlers
                try:
                    self.flush()
                finally:
                    os._exit(0)
            self._writer = pid
            self._new = {}
            return
        entries = self._load()
        compact = len(self._packs) + 1 > MAX_PACKS
        if compact:
            payload = {k: entries[k] for k in self._used if k in entries}
            payload.update(self._new)
        else:
            payload = self._new
        if self._write(payload) and compact:
            for pack in self._packs:
                with contextlib.suppress(OSError):
                    pack.unlink()
        self._new = {}

    def wait(self) -> None:
        """Wait for a background write to finish."""
        if self._writer is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._writer, 0)
            self._writer = None

    def _write(self, payload: dict) -> bool:
        pack = self.root / f"{secrets.token_hex(8)}.pack"
        return write_atomically(
            pack,
            lambda stream: pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL),
            self.root.parent,
        )
