"""Content keys without reading the content: the stat index.

A warm run must know every file's content key to find its stored result, and reading
thousands of files to hash them is most of what such a run does. Like git's index, this
remembers each file's key with its stat signature (size, modification and change times,
inode, device): while the signature is the same, so are the bytes. The change time cannot be
set back from user space and moves with every write, so an edit that keeps the size and
restores the modification time is still seen.

A timestamp cannot tell apart two writes that land within its granularity, so a file changed
less than ``SETTLE_NS`` before it was hashed is not recorded: it is read and hashed again on
every run until it has settled. A missing, corrupted or foreign index is an empty one, and
writes replace the file atomically, so runs sharing a cache cannot hurt each other.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from meshlint.input.cachefiles import write_atomically

__all__ = ["SETTLE_NS", "StatIndex"]

SETTLE_NS = 2_000_000_000  # two seconds, the coarsest common timestamp granularity (FAT)
# Files that vanish or runs over other trees leave entries behind; past this many (and four
# times what a run looked up), a save keeps only the entries this run used.
MAX_ENTRIES = 100_000

Signature = tuple[int, int, int, int, int]


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


class StatIndex:
    def __init__(self, path: Path, top: Path) -> None:
        self.path = path
        self.top = top  # the cache directory it lives in
        self._known: dict[str, list] | None = None
        self._changed = False
        self._used: set[str] = set()

    def _load(self) -> dict[str, list]:
        if self._known is None:
            try:
                known = json.loads(self.path.read_bytes())
            except (OSError, ValueError):
                known = {}
            self._known = known if isinstance(known, dict) else {}
        return self._known

    def key(self, path: str, info: os.stat_result) -> str | None:
        """The content key recorded for ``path`` if its signature has not changed since."""
        name = path if os.path.isabs(path) else os.path.abspath(path)
        self._used.add(name)
        row = self._load().get(name)
        if not isinstance(row, list) or len(row) != 6 or tuple(row[:5]) != signature(info):
            return None
        return row[5] if isinstance(row[5], str) else None

    def record(self, path: str, info: os.stat_result, key: str) -> None:
        """Remember ``key`` for the content read after ``info`` was taken, once settled."""
        if max(info.st_mtime_ns, info.st_ctime_ns) > time.time_ns() - SETTLE_NS:
            return
        row = [*signature(info), key]
        known = self._load()
        name = path if os.path.isabs(path) else os.path.abspath(path)
        self._used.add(name)
        if known.get(name) != row:
            known[name] = row
            self._changed = True

    def save(self) -> None:
        if not self._changed or self._known is None:
            return
        if len(self._known) > max(MAX_ENTRIES, 4 * len(self._used)):
            self._known = {k: v for k, v in self._known.items() if k in self._used}
        data = json.dumps(self._known, separators=(",", ":")).encode()
        write_atomically(self.path, lambda stream: stream.write(data), self.top)
        self._changed = False
