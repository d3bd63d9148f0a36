"""How machine formats name files: relative to the working directory with forward slashes,
so that CI services (GitHub code scanning, annotations, JUnit viewers) match them to the
repository checkout whatever the operating system."""

from __future__ import annotations

import os
from pathlib import Path, PurePath

__all__ = ["is_pseudo", "portable_path"]


def is_pseudo(file: str) -> bool:
    """``<stdin>`` and the like: a finding's place that is not a file on disk."""
    return file.startswith("<") and file.endswith(">")


def portable_path(file: str) -> str:
    """``file`` relative to the working directory with ``/`` separators when it lies below
    it; otherwise absolute (still with ``/``). Pseudo files are returned unchanged."""
    if is_pseudo(file):
        return file
    absolute = os.path.abspath(file)
    try:
        relative = os.path.relpath(absolute, os.getcwd())
    except ValueError:  # another drive on Windows
        return PurePath(absolute).as_posix()
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return Path(absolute).as_posix()
    return PurePath(relative).as_posix()
