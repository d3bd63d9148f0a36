"""Host names as Istio's validating webhook accepts them.

A host is a DNS name of RFC 1123 labels (letters, digits and ``-``; at most 63 characters a
label, 255 in all; an optional trailing dot; a top-level label that is not all digits). Only the
leftmost label may hold a wildcard, and Istio's own label pattern accepts ``*``, ``*.x`` and
also ``*foo``/``*-foo`` there (a "partial" wildcard, which Gateway and Sidecar hosts refuse and
ServiceEntry hosts warn about). Gateway and Sidecar hosts take the ``namespace/dnsName`` form.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = [
    "fqdn_problem",
    "is_dns_label",
    "is_ip",
    "is_partial_wildcard",
    "namespace_host_problem",
    "wildcard_domain_problem",
]

_LABEL = re.compile(r"[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?")
_WILDCARD_LABEL = re.compile(r"\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?")


def is_dns_label(text: str) -> bool:
    return len(text) <= 63 and _LABEL.fullmatch(text) is not None


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_partial_wildcard(host: str) -> bool:
    """``*foo.com`` or ``f*o.com``: a ``*`` that is not a whole leftmost label."""
    return "*" in host and host != "*" and not (host.startswith("*.") and "*" not in host[2:])


def _labels_problem(domain: str) -> str | None:
    parts = domain.split(".")
    if parts[-1].isdigit():
        return f"its top-level label {parts[-1]!r} is all digits"
    for index, label in enumerate(parts):
        if index == len(parts) - 1 and label == "":
            return None  # a trailing dot: "istio.io."
        if "*" in label:
            return (
                f"'*' is only allowed as the whole leftmost label, not in {label!r} further right"
            )
        if not is_dns_label(label):
            return f"the label {label!r} is not a DNS label (letters, digits and '-', at most 63)"
    return None


def wildcard_domain_problem(host: str) -> str | None:
    """Why Istio refuses ``host`` as a (possibly wildcarded) domain, or None when it accepts it."""
    if not host:
        return "it is empty"
    if len(host) > 255:
        return "it is longer than 255 characters"
    first, dot, rest = host.partition(".")
    if len(first) > 63 or _WILDCARD_LABEL.fullmatch(first) is None:
        if "*" in first:
            return f"the leftmost label {first!r} puts '*' where Istio does not allow it"
        return f"the label {first!r} is not a DNS label (letters, digits and '-', at most 63)"
    return _labels_problem(rest) if dot else None


def fqdn_problem(name: str) -> str | None:
    """Why Istio's ``ValidateFQDN`` refuses ``name`` (no wildcard allowed), or None."""
    if not name:
        return "it is empty"
    if len(name) > 255:
        return "it is longer than 255 characters"
    if "*" in name:
        return "a wildcard is not a fully qualified name"
    return _labels_problem(name)


def namespace_host_problem(text: str, gateway: bool) -> str | None:
    """Why a Gateway server host or a Sidecar egress host is refused, or None.

    Gateways also accept the old form without ``namespace/``; Sidecars require it. The
    namespace part is ``*``, ``.`` (and ``~`` in a Sidecar) or a namespace name.
    """
    if "/" not in text:
        if not gateway:
            return (
                "a Sidecar egress host must be written namespace/dnsName (e.g. ./*, istio-system/*)"
            )
        return _host_part_problem(text, gateway)
    namespace, _, host = text.partition("/")
    if not namespace or not host:
        return "neither the namespace nor the host part may be empty"
    allowed = ("*", ".") if gateway else ("*", ".", "~")
    if namespace not in allowed and not is_dns_label(namespace):
        choices = ", ".join(repr(a) for a in allowed)
        return f"{namespace!r} is not a namespace name (nor one of {choices})"
    return _host_part_problem(host, gateway)


def _host_part_problem(host: str, gateway: bool) -> str | None:
    if host != "*" and "." not in host:
        return f"the short name {host!r} is not allowed here; write a fully qualified name"
    if is_partial_wildcard(host):
        return f"the partial wildcard {host!r} is not allowed; use '*' or '*.<domain>'"
    problem = wildcard_domain_problem(host)
    if problem and not (gateway and is_ip(host)):
        return problem
    return None
