"""Port protocol names as Istio parses them (``protocol.Parse`` in ``pkg/config/protocol``).

The name is read without regard to case (``https``, ``Https`` and ``HTTPS`` are one protocol);
anything else, such as ``HTTPS2``, ``H2`` or ``WEBSOCKET``, is ``Unsupported``, which the
webhook refuses where it validates a protocol (Gateway servers, ServiceEntry and Sidecar ports).
"""

from __future__ import annotations

__all__ = ["KNOWN", "is_http", "is_tcp", "is_tls", "parse_protocol"]

# Every protocol protocol.Parse knows, in upper case.
KNOWN = frozenset(
    {
        "TCP",
        "UDP",
        "GRPC",
        "GRPC-WEB",
        "HTTP",
        "HTTP_PROXY",
        "HTTP2",
        "HTTPS",
        "TLS",
        "MONGO",
        "REDIS",
        "MYSQL",
    }
)
_HTTP = frozenset({"HTTP", "HTTP2", "HTTP_PROXY", "GRPC", "GRPC-WEB"})  # Instance.IsHTTP
_TLS = frozenset({"HTTPS", "TLS"})  # Instance.IsTLS
_TCP = frozenset({"TCP", "HTTPS", "TLS", "MONGO", "REDIS", "MYSQL"})  # Instance.IsTCP


def parse_protocol(name: object) -> str | None:
    """The protocol ``name`` stands for, in upper case, or None where Istio's parse gives
    ``Unsupported`` (an unknown name, an empty one, or a value that is not a string)."""
    if not isinstance(name, str):
        return None
    upper = name.upper()
    return upper if upper in KNOWN else None


def is_http(protocol: str | None) -> bool:
    return protocol in _HTTP


def is_tls(protocol: str | None) -> bool:
    return protocol in _TLS


def is_tcp(protocol: str | None) -> bool:
    return protocol in _TCP
