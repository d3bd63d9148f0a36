"""Is a regular expression valid for Istio? Istio compiles match regexes with RE2 syntax (Go's
``regexp``) and Envoy runs them with RE2, which has no lookaround, backreferences, possessive
quantifiers or atomic groups: a pattern Python's ``re`` accepts can still be rejected.

With the ``google-re2`` package the pattern is compiled by RE2 itself. Without it, a
conservative check looks for the constructs RE2 lacks and for patterns Python cannot compile; it
may miss rarer RE2 errors but does not report valid patterns.
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache

__all__ = ["MAX_LENGTH", "USING_RE2", "regex_problem"]

MAX_LENGTH = 1024  # Istio's limit, standing in for Envoy's RE2 program size limit

try:  # pragma: no cover - depends on the environment
    import re2 as _re2

    _OPTIONS = _re2.Options()
    _OPTIONS.log_errors = False
    USING_RE2 = True
except Exception:  # pragma: no cover - depends on the environment
    _re2 = None
    _OPTIONS = None
    USING_RE2 = False

_UNSUPPORTED = (
    (re.compile(r"\(\?<?[=!]"), "lookaround ((?=, (?!, (?<=, (?<!) is not supported by RE2"),
    (re.compile(r"\(\?>"), "atomic groups ((?>...)) are not supported by RE2"),
    (re.compile(r"(?<!\\)(?:\\\\)*\\[1-9]"), "backreferences (\\1) are not supported by RE2"),
    (
        re.compile(r"(?<!\\)(?:\\\\)*\\k<"),
        "named backreferences (\\k<name>) are not supported by RE2",
    ),
    (
        re.compile(r"(?<![\\(])[*+?}]\+"),
        "possessive quantifiers (a++, a*+) are not supported by RE2",
    ),
    (re.compile(r"\(\?P?=\w"), "named backreferences ((?P=name)) are not supported by RE2"),
)


@lru_cache(maxsize=4096)
def regex_problem(pattern: str) -> str | None:
    """Why RE2 refuses ``pattern``, or None when it compiles."""
    if not pattern:
        return "the regex is empty"
    if len(pattern) > MAX_LENGTH:
        return f"the regex is {len(pattern)} characters long; Istio allows at most {MAX_LENGTH}"
    if _re2 is not None:
        try:
            _re2.compile(pattern, _OPTIONS)
        except Exception as error:  # re2.error carries bytes
            detail = error.args[0] if error.args else error
            if isinstance(detail, bytes):
                detail = detail.decode("utf-8", "replace")
            return f"RE2 cannot compile it: {detail}"
        return None
    return _fallback_problem(pattern)


def _fallback_problem(pattern: str) -> str | None:
    for construct, reason in _UNSUPPORTED:
        if construct.search(pattern):
            return reason
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except re.error as error:
        return f"it does not compile: {error}"
    return None
