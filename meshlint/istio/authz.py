"""AuthorizationPolicy values as Istio's webhook reads them (``pkg/config/security``):
condition keys and their values (``ValidateAttribute``), ports (``ValidatePorts``), service
accounts (``CheckServiceAccount``) and path templates (``CheckValidPathTemplate``).
"""

from __future__ import annotations

import re

from meshlint.istio.addresses import ip_or_cidr_problem

__all__ = [
    "attribute_key_problem",
    "attribute_value_problem",
    "path_template_problem",
    "port_problem",
    "service_account_problem",
]

_MAP_KEYS = (
    "request.headers",
    "request.experimental.inline.headers",
    "request.auth.claims",
    "experimental.envoy.filters.",
)
_PLAIN_KEYS = frozenset(
    {
        "source.namespace",
        "source.principal",
        "request.auth.principal",
        "request.auth.audiences",
        "request.auth.presenter",
        "connection.sni",
        "source.ip",
        "remote.ip",
        "destination.ip",
        "destination.port",
        "source.serviceAccount",
    }
)
_IP_KEYS = frozenset({"source.ip", "remote.ip", "destination.ip"})
_REPLACED = {
    "destination.namespace": "is replaced by the policy's own namespace (metadata.namespace)",
    "destination.name": "was only supported in v1alpha1",
    "destination.user": "was only supported in v1alpha1",
}
_LITERAL = re.compile(r"[a-zA-Z0-9\-._~%!$&'()+,;:@=]+")


def attribute_key_problem(key: str) -> str | None:
    """Why a ``when`` condition key is refused whatever its values, or None."""
    for prefix in _MAP_KEYS:
        if key.startswith(prefix):
            bracket = key.find("[")
            if key.endswith("]") and 0 < bracket < len(key) - 2:
                return None
            return f"condition key {key!r} must have the form {prefix.rstrip('.')}[name]"
    if key in _PLAIN_KEYS:
        return None
    if key in _REPLACED:
        return f"condition key {key!r} {_REPLACED[key]}"
    if key.startswith("destination.labels"):
        return f"condition key {key!r} is replaced by the policy's selector"
    return f"condition key {key!r} is not an attribute Istio knows"


def attribute_value_problem(key: str, value: str) -> str | None:
    """Why a value of a known condition key is refused, or None."""
    if value == "":
        return "an empty value is not allowed"
    if key in _IP_KEYS:
        return ip_or_cidr_problem(value)
    if key == "destination.port":
        return port_problem(value)
    if key == "source.serviceAccount":
        return service_account_problem(value)
    return None


def port_problem(value: str) -> str | None:
    """``ValidatePorts``: a decimal number up to 65535."""
    if not value.isascii() or not value.isdigit() or int(value) > 65535:
        return f"{value!r} is not a port number (0-65535)"
    return None


def service_account_problem(value: str) -> str | None:
    """``CheckServiceAccount``: ``name`` or ``namespace/name``, without ``*``."""
    if value == "":
        return "an empty value is not allowed"
    if "*" in value:
        return f"{value!r}: service accounts cannot hold wildcards"
    namespace, slash, name = value.partition("/")
    if "/" in name or (slash and (not namespace or not name)):
        return f"{value!r} is not 'serviceAccount' or 'namespace/serviceAccount'"
    return None


def path_template_problem(path: str) -> str | None:
    """``CheckValidPathTemplate``: ``{*}`` and ``{**}`` as whole segments, ``{**}`` last,
    no other braces, and plain URL characters in the segments of a templated path."""
    templated = "{*}" in path or "{**}" in path
    any_seen = False
    for segment in path.strip("/").split("/"):
        if segment in ("{*}", "{**}"):
            if any_seen:
                return f"path {path!r}: {{**}} must be the last segment of a template"
            any_seen = segment == "{**}"
            continue
        if "{" in segment or "}" in segment:
            return f"path {path!r}: braces are only allowed as the whole segments {{*}} and {{**}}"
        if templated and not _LITERAL.fullmatch(segment):
            return f"path {path!r}: segment {segment!r} is not a plain URL path segment"
    return None
