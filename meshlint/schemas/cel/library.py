"""Kubernetes' additions to CEL, in plain Python, whatever engine evaluates the expression.

The API server evaluates ``x-kubernetes-validations`` with cel-go plus the libraries of
k8s.io/apiserver/pkg/cel/library. Standard CEL comes with the engine; what Kubernetes adds is
defined here, following the Go sources:

- urls.go: ``url(string)``, ``isURL(string)``, ``getScheme``, ``getHost``, ``getHostname``,
  ``getPort``, ``getEscapedPath``, ``getQuery``;
- regex.go: ``find``, ``findAll`` (RE2, like ``matches``);
- lists.go: ``isSorted``, ``sum``, ``min``, ``max`` (not ``indexOf``/``lastIndexOf`` on lists);
- and cel-go's string extension, which Kubernetes turns on: ``charAt``, ``indexOf``,
  ``lastIndexOf``, ``lowerAscii``, ``upperAscii``, ``replace``, ``split``, ``substring``,
  ``trim``, ``join``.

``quantity``, ``ip``/``cidr``, ``semver`` and ``format`` are not here: a rule that calls them
does not compile, and the rule is reported as not evaluated (never passed in silence).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from meshlint.schemas.cel.urls import GoURL, URLError, parse_request_uri

__all__ = [
    "LibraryError",
    "find",
    "find_all",
    "is_sorted",
    "is_url",
    "list_max",
    "list_min",
    "list_sum",
    "url",
]


class LibraryError(ValueError):
    """An evaluation error, worded as cel-go words it."""


def url(text: str) -> GoURL:
    try:
        return parse_request_uri(text)
    except URLError as error:
        raise LibraryError(f"URL parse error during conversion from string: {error}") from None


def is_url(text: str) -> bool:
    try:
        parse_request_uri(text)
    except URLError:
        return False
    return True


@lru_cache(maxsize=256)
def _regex(pattern: str):
    import re2

    options = re2.Options()
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except Exception as error:  # re2.error: worded like cel-go's
        raise LibraryError(f"error parsing regexp: {error}") from None


def find(text: str, pattern: str) -> str:
    """The first match of ``pattern`` in ``text``, or ''."""
    match = _regex(pattern).search(text)
    return match.group(0) if match else ""


def find_all(text: str, pattern: str, limit: int = -1) -> list[str]:
    """Every match, at most ``limit`` of them when ``limit`` is not negative."""
    if limit == 0:
        return []
    found = [m.group(0) for m in _regex(pattern).finditer(text)]
    return found if limit < 0 else found[:limit]


def is_sorted(items: Sequence) -> bool:
    return all(items[i] <= items[i + 1] for i in range(len(items) - 1))


def list_sum(items: Sequence):
    total = 0
    for item in items:
        total = total + item
    return total


def list_min(items: Sequence):
    if not items:
        raise LibraryError("min(list) argument must not be empty")
    return min(items)


def list_max(items: Sequence):
    if not items:
        raise LibraryError("max(list) argument must not be empty")
    return max(items)


# -- cel-go's string extension (ext.Strings, version 2), which Kubernetes enables ----------
# Indexes count code points, as in cel-go. (cel-cpp's own extension refuses
# ``"abc".substring(1, 3)``, so these are used instead.)


def _bounds(text: str, index: int, what: str = "index") -> None:
    if index < 0 or index > len(text):
        raise LibraryError(f"{what} out of range: {index}")


def char_at(text: str, index: int) -> str:
    _bounds(text, index)
    return text[index : index + 1]


def string_index_of(text: str, sub: str, offset: int = 0) -> int:
    _bounds(text, offset)
    return text.find(sub, offset)


def string_last_index_of(text: str, sub: str, offset: int | None = None) -> int:
    if offset is None:
        return text.rfind(sub)
    _bounds(text, offset)
    return text.rfind(sub, 0, offset + len(sub))


def lower_ascii(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text)


def upper_ascii(text: str) -> str:
    return "".join(c.upper() if c.isascii() else c for c in text)


def replace(text: str, old: str, new: str, limit: int = -1) -> str:
    return text.replace(old, new, limit if limit >= 0 else -1)


def split(text: str, separator: str, limit: int = -1) -> list[str]:
    if limit == 0:
        return []
    if separator == "":
        parts = list(text)
        if 0 < limit < len(parts):
            parts = [*parts[: limit - 1], "".join(parts[limit - 1 :])]
        return parts
    return text.split(separator, limit - 1 if limit > 0 else -1)


def substring(text: str, start: int, end: int | None = None) -> str:
    end = len(text) if end is None else end
    if start < 0 or start > len(text) or end < 0 or end > len(text):
        raise LibraryError(f"index out of range: {start if start > len(text) else end}")
    if start > end:
        raise LibraryError(f"invalid substring range. start: {start}, end: {end}")
    return text[start:end]


def trim(text: str) -> str:
    return text.strip(
        " \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
        "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    )


def join(items: Sequence, separator: str = "") -> str:
    if not all(isinstance(item, str) for item in items):
        raise LibraryError("join: list must contain only strings")
    return separator.join(items)
