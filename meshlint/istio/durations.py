"""Durations as Istio reads them: Go's ``time.ParseDuration`` syntax (``1s``, ``1.5s``, ``3m``,
``1h30m``, ``100ms``), which is what the CRDs' CEL rule ``duration(self) >= duration('1ms')``
and the webhook both use.

``parse_duration`` returns nanoseconds or raises ``DurationError`` with a reason;
``suggest_duration`` turns a near miss (``3 minutes``, ``10``, ``5S``) into the spelling Istio
accepts, and ``format_ms`` writes a number of milliseconds the way people write it.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

__all__ = ["NS_PER_MS", "DurationError", "format_ms", "parse_duration", "suggest_duration"]

NS_PER_MS = 1_000_000
_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,  # micro sign
    "\u03bcs": 1_000,  # Greek mu
    "ms": NS_PER_MS,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_MAX_NS = (1 << 63) - 1
_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?")

# Words people write instead of Go's units, mapped to the unit and a multiplier.
_WORDS = {
    **dict.fromkeys(("ms", "msec", "msecs", "milli", "millis", "millisecond", "milliseconds"), 1),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1000),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60_000),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3_600_000),
    **dict.fromkeys(("d", "day", "days"), 86_400_000),
}
_NEAR_MISS = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*$")


class DurationError(ValueError):
    """The text is not a duration Istio can read."""


@lru_cache(maxsize=4096)
def parse_duration(text: str) -> int:
    """Nanoseconds in ``text``, parsed the way Go's ``time.ParseDuration`` does."""
    rest = text
    negative = False
    if rest[:1] in ("-", "+"):
        negative = rest[0] == "-"
        rest = rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise DurationError("it is empty")
    total = 0
    while rest:
        if not (rest[0] == "." or rest[0].isdigit()):
            raise DurationError(f"{rest[0]!r} is not where a number should be")
        match = _NUMBER.match(rest)
        whole, fraction = match[1], match[2]
        if not whole and not fraction:
            raise DurationError("a number is missing before the unit")
        rest = rest[match.end() :]
        if len(whole) > 20:
            raise DurationError("it is too long to represent")
        fraction = (fraction or "")[:20]  # digits past nanoseconds change nothing
        end = 0
        while end < len(rest) and not (rest[end] == "." or rest[end].isdigit()):
            end += 1
        if end == 0:
            raise DurationError("a unit is missing: ms, s, m or h")
        unit = rest[:end]
        rest = rest[end:]
        if unit not in _UNITS and unit != unit.strip():
            raise DurationError("it has a space; write the number and the unit together")
        if unit not in _UNITS:
            raise DurationError(f"{unit!r} is not a unit; units are ns, us, ms, s, m and h")
        scale = _UNITS[unit]
        total += int(whole or "0") * scale
        if fraction:  # Go truncates the fractional nanoseconds
            total += int(fraction) * scale // 10 ** len(fraction)
    nanoseconds = total
    if nanoseconds > _MAX_NS:
        raise DurationError("it is too long to represent")
    return -nanoseconds if negative else nanoseconds


def format_ms(milliseconds: int) -> str:
    """``180000`` -> ``"180s or 3m"``; ``1500`` -> ``"1500ms"``; ``3600000`` -> ``"1h"``."""
    if milliseconds % 3_600_000 == 0:
        return f"{milliseconds // 3_600_000}h"
    if milliseconds % 60_000 == 0:
        return f"{milliseconds // 1000}s or {milliseconds // 60_000}m"
    if milliseconds % 1000 == 0:
        return f"{milliseconds // 1000}s"
    return f"{milliseconds}ms"


def suggest_duration(text: str) -> str | None:
    """What the author probably meant, in a spelling Istio accepts, or None."""
    stripped = text.strip()
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", stripped):
        return f"{stripped}s"
    compact = re.sub(r"\s+", "", text)
    for candidate in (compact, compact.lower()):
        if candidate != text:
            try:
                parse_duration(candidate)
            except DurationError:
                continue
            return candidate
    match = _NEAR_MISS.match(text)
    if match is None or len(match[1]) > 20:
        return None
    factor = _WORDS.get(match[2].lower())
    if factor is None:
        return None
    milliseconds = Fraction(match[1]) * factor
    if milliseconds.denominator != 1:
        return None
    return format_ms(int(milliseconds))
