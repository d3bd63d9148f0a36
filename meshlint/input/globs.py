"""Path and name globs with ``**`` (any number of directories), compiled once."""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["glob_matcher"]


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def glob_matcher(patterns: tuple[str, ...]):
    """A predicate: does a ``/``-separated path (or a name) match any of ``patterns``?

    A pattern that starts with ``**/`` also matches from the start of a relative path, and a
    path is tried both as given and with a leading ``./`` removed."""
    compiled = [_compile(p) for p in patterns]

    def matches(text: str) -> bool:
        text = text.replace("\\", "/")
        if text.startswith("./"):
            text = text[2:]
        return any(c.fullmatch(text) or c.fullmatch("/" + text) for c in compiled)

    return matches
