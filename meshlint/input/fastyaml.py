"""The fast path of the parse: plain manifests read by ryaml, without positions.

Most manifests are plain block YAML: string, decimal and boolean scalars, no tags, anchors or
merge keys. For those, ryaml (libyaml's parser ported to Rust, with the Python values built in
Rust) gives the same values as the position-keeping parser in ``yamlpos`` several times
faster. Positions are needed only where a finding points, so a file read this way is parsed
again with positions the first time a finding asks (``SourceFile.with_positions``).

The two parsers resolve plain scalars by different YAML versions (1.2 against PyYAML's 1.1:
``yes``, ``010``, ``1_000``, ``1e3``, ``12:30`` and non-string keys differ), so ``_accepts``
sends any text that holds such a scalar, a tag, an anchor, an alias, a merge key, a template
action, a line break YAML 1.2 does not know, or that could exceed a limit, to the exact
parser, as it does any text with a colon go-yaml and libyaml read differently
(``goyaml``); ``load`` also sends text ryaml rejects, empty documents, and flow mappings with a
non-string key. It may refuse text that would have
parsed the same (a quoted ``"on"`` looks like a plain one here); it must never accept text that
would not, which ``tests/test_fastyaml.py`` checks against the exact parser on every manifest
in the project and on generated YAML.
"""

from __future__ import annotations

import re

from meshlint.input.goyaml import may_have_flow_colons
from meshlint.input.yamlpos import Limits

try:
    import ryaml
except ImportError:  # an optional speed-up: without it every file takes the exact parser
    ryaml = None

__all__ = ["load"]

# A plain scalar follows white space or a flow indicator (the text is searched with a newline
# in front), and ends before white space and the end of the line, a comment, a flow indicator
# or a key's colon.
_END = r"(?=[ \t]*(?:$|\r|#|[,\]\}]|:(?:[ \t\r]|$)))"
_BOOL_1_1 = r"yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N"
_RESOLVED_DIFFERENTLY = "|".join(
    (
        _BOOL_1_1,
        r"[-+]?0[0-9_bBoOxX][0-9a-fA-F_xXoObB.:]*",  # 010, 0o10, 0b1, 0x_1F
        r"[-+]?[0-9.][0-9_.]*_[0-9_.]*",  # 1_000
        r"[-+]?[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?",  # 12:30, 1:20:30.5
        r"[-+]?[0-9_.]*[eE][-+]?[0-9]+",  # 1e3, 1.0e3
        r"[-+]?\.[0-9A-Za-z_]+",  # .5, .inf, .NaN
        r"[-+]?[0-9]{19,}",  # past 64 bits
        r"<<|=",  # merge key, value key
    )
)
# Keys: yamlpos keeps a non-string key's source text, ryaml builds the number or boolean.
_NON_STRING_KEY = (
    r"[-+]?[0-9.][^\s:,\[\]\{\}]*|true|True|TRUE|false|False|FALSE|null|Null|NULL|~|" + _BOOL_1_1
)
# The lookahead after the boundary is a quick filter: only a token that starts with one of
# these characters, or a short word, is tried against the alternatives.
_CANDIDATE = r"(?=[-+.0-9<=!&*?~:]|[yYnNoOtTfF][a-zA-Z]{0,4}[ \t]*(?:$|[\r#:,\]\}]))"
_REFUSED = re.compile(
    rf"[\s\[\{{,]{_CANDIDATE}"
    rf"(?:(?:{_RESOLVED_DIFFERENTLY}){_END}"
    rf"|(?:{_NON_STRING_KEY})?(?=[ \t]*:(?:[ \t\r]|$))"  # a non-string or empty key
    r"|[!&*]|\?(?:[ \t]|$))",  # a tag, anchor or alias; a complex key
    re.MULTILINE,
)


def _accepts(text: str, limits: Limits) -> bool:
    """Would ryaml read ``text`` exactly as ``yamlpos`` does, within ``limits``?"""
    if ryaml is None:
        return False
    size = len(text)
    if size + 2 > limits.max_nodes_per_document and (  # a node takes at least a character
        max(map(len, _DOCUMENT_START.split(text))) + 2 > limits.max_nodes_per_document
    ):  # of its own document (a rendered overlay is many documents)
        return False
    if may_have_flow_colons(text):
        return False  # the exact parser reads such colons as Kubernetes does (goyaml)
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return False  # line breaks to YAML 1.1 only (and to the exact parser's libyaml)
    if size > limits.max_depth and _may_nest_past(text, limits.max_depth):
        return False  # it could nest past the limit: the exact parser counts and reports
    return "{{" not in text and _REFUSED.search("\n" + text) is None


_INDENT = re.compile(r"^[ \t\-]+", re.MULTILINE)
_DOCUMENT_START = re.compile(r"^---(?=[ \t\r]|$)", re.MULTILINE)


def _may_nest_past(text: str, depth: int) -> bool:
    """An upper bound on nesting: a level per flow bracket, and block levels need a deeper
    indentation (or a compact ``- ``) at least every second level. The widest line bounds
    the indentation cheaply; only when that is not enough are the indentations measured."""
    brackets = text.count("[") + text.count("{")
    if brackets + 2 * max(map(len, text.split("\n"))) + 2 <= depth:
        return False
    indent = max(map(len, _INDENT.findall(text)), default=0)
    return brackets + 2 * indent + 2 > depth


def load(text: str, limits: Limits) -> list[object] | None:
    """The documents of ``text`` without positions, or None where only the exact parser
    will do (refused text, a syntax error, an empty document)."""
    if not _accepts(text, limits):
        return None
    try:
        documents = ryaml.loads_all(text)
    except Exception:  # a syntax error: the exact parser says where and why
        return None
    if not isinstance(documents, list) or len(documents) > limits.max_documents_per_file:
        return None
    if any(document is None for document in documents):  # empty and comment-only documents
        return None
    if "{" in text and _has_non_string_key(documents):
        return None  # a flow mapping key without a colon (`{a, 80}`) escapes the key pattern
    return documents


def _has_non_string_key(value: object) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(key.__class__ is not str for key in node):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False
