"""How every cache file is written: whole or not at all, into a cache directory that is
marked as one.

Packs, whole-run results and the stat index are each written to a temporary file and renamed
into place, so runs sharing the cache never read half a file. The first write into a cache
directory that did not exist creates it with a ``.gitignore`` and a ``CACHEDIR.TAG``, as ruff
and pytest do, so it stays out of version control and backups. A directory that already
existed (``--cache-dir .``) is left as it is.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["modification_time", "write_atomically"]

_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# meshlint cache\n"


def write_atomically(path: Path, dump: Callable[[BinaryIO], None], top: Path) -> bool:
    """Write ``path`` (below the cache directory ``top``) with ``dump(stream)``; False when
    the disk refuses (a read-only or full disk makes the cache useless, not the run wrong)."""
    temporary = None
    try:
        if not top.is_dir():
            top.mkdir(parents=True, exist_ok=True)
            (top / ".gitignore").write_text("# Created by meshlint\n*\n")
            (top / "CACHEDIR.TAG").write_text(_TAG)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:  # streamed: no second copy in memory
            dump(stream)
        os.replace(temporary, path)
        temporary = None
        return True
    except OSError:
        return False
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def modification_time(path: Path) -> float:
    """For ordering cache files by age; one that vanished meanwhile counts as oldest."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
