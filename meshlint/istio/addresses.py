"""Addresses as Istio's webhook reads them: IP addresses and CIDR blocks (Go's ``netip``),
Unix domain socket paths (``ValidateUnixAddress``) and Kubernetes label keys and values
(``labels.Instance.Validate``).

Each ``*_problem`` function says why Istio refuses a value, or returns None when it accepts
it. Where Go's parsers changed between versions (a CIDR prefix length written ``/08`` or
``/+8``), the value is accepted: meshlint only reports what every version refuses.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = [
    "UNIX_PREFIX",
    "cidr_problem",
    "ip_or_cidr_problem",
    "ip_problem",
    "label_problems",
    "unix_address_problem",
]

UNIX_PREFIX = "unix://"
_BITS = re.compile(r"[+-]?[0-9]+")
# Kubernetes label syntax as Istio checks it (pkg/config/labels).
_DNS_LABEL = r"[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?"
_QUALIFIED_NAME = r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_KEY = re.compile(rf"({_DNS_LABEL}(?:\.{_DNS_LABEL})*/)?({_QUALIFIED_NAME})")
_LABEL_VALUE = re.compile(rf"(?:{_QUALIFIED_NAME})?")


def ip_problem(text: str) -> str | None:
    """``netip.ParseAddr``: an IPv4 address (no leading zeros) or an IPv6 address."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return f"{text!r} is not an IP address"
    return None


def cidr_problem(text: str) -> str | None:
    """``netip.ParsePrefix``: ``address/bits``, no IPv6 zone, bits within the address size."""
    address, _, bits = text.rpartition("/")
    if "%" in address:
        return f"{text!r} is not a CIDR block: an IPv6 zone cannot be part of a prefix"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"{text!r} is not a CIDR block: {address!r} is not an IP address"
    if not _BITS.fullmatch(bits) or not 0 <= int(bits) <= parsed.max_prefixlen:
        return f"{text!r} is not a CIDR block: the prefix length must be 0-{parsed.max_prefixlen}"
    return None


def ip_or_cidr_problem(text: str) -> str | None:
    """``security.ValidateIPs`` for one value: a CIDR block when it has a ``/``, else an IP."""
    return cidr_problem(text) if "/" in text else ip_problem(text)


def unix_address_problem(path: str) -> str | None:
    """``ValidateUnixAddress`` for the part after ``unix://``: an absolute path to a file
    (not ending in ``/``) or an abstract socket name starting with ``@``."""
    if not path:
        return "the Unix socket path after unix:// is empty"
    if path.startswith("@"):
        return None
    if not path.startswith("/") or path.endswith("/"):
        return f"{path!r} is not an absolute path to a file"
    return None


def label_problems(labels: dict) -> list[tuple[str, str]]:
    """``(key, reason)`` for each label whose key or value Istio refuses."""
    problems = []
    for key, value in labels.items():
        if not isinstance(key, str) or not isinstance(value, str):
            continue  # a type problem, reported by the schema rules
        match = _LABEL_KEY.fullmatch(key)
        if match is None:
            problems.append((key, f"label key {key!r} is not a valid label name"))
        elif match[1] and len(match[1]) - 1 > 253:
            problems.append((key, f"label key {key!r} has a prefix longer than 253 characters"))
        elif len(match[2]) > 63:
            problems.append((key, f"label key {key!r} has a name longer than 63 characters"))
        if _LABEL_VALUE.fullmatch(value) is None:
            problems.append((key, f"label value {value!r} is not a valid label value"))
    return problems
