"""Where libyaml and the Kubernetes YAML reader disagree on valid text, follow Kubernetes.

kubectl and the API server's clients read YAML with sigs.k8s.io/yaml, whose parser is go-yaml
v2 (sigs.k8s.io/yaml/goyaml.v2). go-yaml is a port of libyaml, but its plain-scalar scanner
(``yaml_parser_scan_plain_scalar`` in scannerc.go) dropped one check libyaml kept: in a flow
collection, libyaml refuses a ``:`` followed by one of ``,?[]{}`` ("while scanning a plain
scalar found unexpected ':'", scanner.c), where go-yaml ends a plain scalar only at ``:``
followed by white space or at a flow indicator. So ``addresses: [1.2.3.4, 2001:db8::]``, which
Istio's own validation tests accept, is a syntax error to PyYAML and two strings to Kubernetes
(``2001:db8::`` ends at the ``]``; a scalar ending in ``:`` resolves to no number, so it is a
string). Likewise ``[a:, b]`` holds ``"a:"`` and ``{a:}`` has the key ``"a:"`` with a null
value.

meshlint's exact parser is libyaml, so before parsing, each such colon (a ``:`` right before
``,``, ``]`` or ``}``, inside a plain token) is replaced by one placeholder character that no
indicator is and the text does not hold; libyaml then reads the scalar go-yaml reads, with every
position unchanged (one character for one), and ``yamlpos`` puts the colon back in the values.
Replacing a colon that is not in a flow collection changes nothing: there, ``:`` is an indicator
only before white space, and a quoted or block scalar or a comment gets its colon back. A colon
right after a quote, an alias, an anchor or a tag is left alone: both parsers read it as a
value indicator (or a tag character). A ``:`` before ``?``, ``[`` or ``{`` is left to libyaml's
error: go-yaml ends the scalar there and then fails to parse what follows.
"""

from __future__ import annotations

import re

__all__ = ["mask_flow_colons", "may_have_flow_colons"]

# A ':' right before ',', ']' or '}', after a character that can end a plain token.
_COLON = re.compile(r"(?<=[^\s,\[\]\{\}\"']):(?=[,\]\}])")
_TOKEN_END = frozenset(" \t\r\n,[]{}")
_NOT_PLAIN = frozenset("*&!")  # an alias, an anchor or a tag
# Private-use characters: printable to libyaml, indicators to nobody, and rare in manifests.
_PLACEHOLDERS = [chr(code) for code in range(0xE000, 0xE100)]


def may_have_flow_colons(text: str) -> bool:
    """A cheap test: could ``text`` hold a colon that go-yaml and libyaml read differently?"""
    return ":," in text or ":]" in text or ":}" in text


def mask_flow_colons(text: str) -> tuple[str, str | None]:
    """``text`` with each colon go-yaml keeps in a plain scalar (and libyaml refuses) replaced
    by a placeholder character, and that character (None: nothing was replaced)."""
    if not may_have_flow_colons(text):
        return text, None
    chars: list[str] | None = None
    for match in _COLON.finditer(text):
        at = start = match.start()
        while start > 0 and text[start - 1] not in _TOKEN_END:
            start -= 1
        if text[start] in _NOT_PLAIN:
            continue
        if chars is None:
            chars = list(text)
        chars[at] = ""  # filled in below, once a placeholder is chosen
    if chars is None:
        return text, None
    placeholder = next((c for c in _PLACEHOLDERS if c not in text), None)
    if placeholder is None:  # hostile text holding every placeholder: libyaml's reading
        return text, None
    return "".join(c or placeholder for c in chars), placeholder
