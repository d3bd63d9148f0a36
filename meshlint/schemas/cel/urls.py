"""Go's ``net/url`` parser, as far as Kubernetes' CEL URL library uses it.

``url(s)`` and ``isURL(s)`` (k8s.io/apiserver/pkg/cel/library/urls.go) accept exactly what
``url.ParseRequestURI`` accepts: an absolute URL or an absolute path, never a relative
reference. ``url()`` then parses again with ``url.Parse`` so a fragment is split off, and the
getters read that result. Python's ``urllib.parse`` accepts nearly anything, so the parts of
Go's parser that decide acceptance are ported here (``getScheme``, ``parseAuthority``,
``parseHost``, ``validOptionalPort``, ``unescape`` for hosts and paths).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

__all__ = ["GoURL", "URLError", "parse_request_uri"]

_HEX = frozenset("0123456789abcdefABCDEF")
# Characters Go's shouldEscape leaves unescaped in a host (RFC 3986 sub-delims, ':' and the
# IP-literal brackets, and '<', '>', '"' which Go allows for historical reasons).
_HOST_OK = frozenset("-_.~!$&'()*+,;=:[]<>\"")


class URLError(ValueError):
    """A string Go's ``url.ParseRequestURI`` refuses."""


@dataclass(frozen=True, slots=True)
class GoURL:
    """The fields of Go's ``url.URL`` the Kubernetes getters read."""

    raw: str
    scheme: str
    opaque: str
    userinfo: str | None
    host: str
    path: str
    raw_query: str
    fragment: str

    def hostname(self) -> str:
        """``URL.Hostname()``: the host without port, IPv6 brackets removed."""
        host, _ = _split_host_port(self.host)
        return host

    def port(self) -> str:
        """``URL.Port()``: the port digits, or ''."""
        _, port = _split_host_port(self.host)
        return port

    def escaped_path(self) -> str:
        """``URL.EscapedPath()``: the path as written when it is a valid encoding."""
        return self.path

    def query(self) -> dict[str, list[str]]:
        """``URL.Query()``: every key with its values, empty values kept."""
        return parse_qs(self.raw_query, keep_blank_values=True)


def parse_request_uri(text: str) -> GoURL:
    """``url.ParseRequestURI`` followed by ``url.Parse`` (the fragment split off), as
    Kubernetes' ``url()`` does; raises URLError where Go returns an error."""
    _parse(text, via_request=True)
    without_fragment, _, fragment = text.partition("#")
    return _parse(without_fragment, via_request=False, raw=text, fragment=fragment)


def _parse(text: str, via_request: bool, raw: str | None = None, fragment: str = "") -> GoURL:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise URLError("net/url: invalid control character in URL")
    if text == "" and via_request:
        raise URLError("empty url")
    if text == "*":
        return GoURL(raw or text, "", "", None, "", "*", "", fragment)
    scheme, rest = _scheme(text)
    scheme = scheme.lower()
    if rest.endswith("?") and rest.count("?") == 1:
        rest, query = rest[:-1], ""
    else:
        rest, _, query = rest.partition("?")
    if not rest.startswith("/"):
        if scheme:
            return GoURL(raw or text, scheme, rest, None, "", "", query, fragment)
        if via_request:
            raise URLError("invalid URI for request")
        if ":" in rest.partition("/")[0]:
            raise URLError("first path segment in URL cannot contain colon")
    userinfo, host = None, ""
    if (scheme or (not via_request and not rest.startswith("///"))) and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        userinfo, host = _authority(authority)
    _unescape(rest, host_mode=False)
    return GoURL(raw or text, scheme, "", userinfo, host, rest, query, fragment)


def _scheme(text: str) -> tuple[str, str]:
    for index, char in enumerate(text):
        if char.isascii() and char.isalpha():
            continue
        if char.isascii() and (char.isdigit() or char in "+-."):
            if index == 0:
                return "", text
            continue
        if char == ":":
            if index == 0:
                raise URLError("missing protocol scheme")
            return text[:index], text[index + 1 :]
        return "", text
    return "", text


def _authority(authority: str) -> tuple[str | None, str]:
    at = authority.rfind("@")
    host = _host(authority[at + 1 :])
    if at < 0:
        return None, host
    userinfo = authority[:at]
    for char in userinfo:
        if not (char.isascii() and (char.isalnum() or char in "-._:~!$&'()*+,;=%@")):
            raise URLError("net/url: invalid userinfo")
    return _unescape(userinfo, host_mode=False), host


def _host(host: str) -> str:
    if host.startswith("["):
        end = host.rfind("]")
        if end < 0:
            raise URLError("missing ']' in host")
        if not _valid_port(host[end + 1 :]):
            raise URLError(f"invalid port {host[end + 1 :]!r} after host")
    elif (colon := host.rfind(":")) >= 0 and not _valid_port(host[colon:]):
        raise URLError(f"invalid port {host[colon:]!r} after host")
    return _unescape(host, host_mode=True)


def _valid_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all(c in "0123456789" for c in port[1:]))


def _unescape(text: str, host_mode: bool) -> str:
    """Go's ``unescape`` for hosts (encodeHost) and paths (encodePath): refuses a bad
    ``%`` escape, and in a host a character Go would escape."""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "%":
            code = text[index + 1 : index + 3]
            if len(code) < 2 or not set(code) <= _HEX:
                raise URLError(f"invalid URL escape {text[index : index + 3]!r}")
            if host_mode and int(code[0], 16) < 8 and code != "25":
                raise URLError(f"invalid URL escape {text[index : index + 3]!r}")
            index += 3
            continue
        if host_mode and char.isascii() and not (char.isalnum() or char in _HOST_OK):
            raise URLError(f"invalid character {char!r} in host name")
        index += 1
    return text


def _split_host_port(host_port: str) -> tuple[str, str]:
    """Go's ``splitHostPort``."""
    host, port = host_port, ""
    colon = host.rfind(":")
    if colon >= 0 and _valid_port(host[colon:]):
        host, port = host[:colon], host[colon + 1 :]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, port
