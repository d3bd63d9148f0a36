"""The parse stage: values as PyYAML's safe loader gives them, plus positions."""

import yaml

from meshlint.input.loader import load_text
from meshlint.input.problems import ProblemKind
from meshlint.input.yamlpos import locate, parse_documents

TEXT = """\
a: 1
b:
  - x: y
    z: [1, 2.5, true, null, "s"]
  - plain
c: &anchor {k: v}
d: *anchor
e: 2024-01-01
f: 0x1F
"""


def test_values_match_the_safe_loader_except_timestamps():
    problems = []
    ((value, line, column),) = parse_documents(TEXT, problems)
    expected = yaml.load(TEXT, Loader=yaml.CSafeLoader)
    expected["e"] = "2024-01-01"  # timestamps stay text: nothing is constructed
    assert value == expected
    assert problems == []
    assert (line, column) == (0, 0)


def test_locate_points_at_scalar_values_and_at_keys_of_containers():
    ((value, _, _),) = parse_documents(TEXT, [])
    assert locate(value, ("a",)) == (0, 3)
    assert locate(value, ("b",)) == (1, 0)
    assert locate(value, ("b", 0, "z", 1)) == (3, 11)
    assert locate(value, ("b", 1)) == (4, 4)
    assert locate(value, ("c", "k")) == (5, 15)
    # A path that leaves the document stops at the deepest part that exists.
    assert locate(value, ("b", 0, "missing", "deeper")) == (2, 4)


def test_merge_keys_and_duplicate_keys():
    problems = []
    ((value, _, _),) = parse_documents(
        "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\nm: 4\n", problems
    )
    assert value == {"base": {"x": 1, "y": 2}, "m": 4}
    assert [(p.kind, p.line) for p in problems] == [(ProblemKind.DUPLICATE_KEY, 4)]


def test_documents_before_a_syntax_error_are_kept():
    source = load_text("f.yaml", "a: 1\n---\nb: [\n")
    assert [d.value for d in source.documents] == [{"a": 1}]
    assert [p.kind for p in source.problems] == [ProblemKind.SYNTAX]


def test_utf8_bom_is_accepted_and_utf16_is_reported():
    assert load_text("f.yaml", b"\xef\xbb\xbfa: 1\n").documents[0].value == {"a": 1}
    source = load_text("f.yaml", "a: 1\n".encode("utf-16"))
    assert [p.kind for p in source.problems] == [ProblemKind.DECODE]
    assert source.documents == []
