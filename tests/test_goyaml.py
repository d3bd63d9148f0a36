"""YAML as Kubernetes reads it (sigs.k8s.io/yaml, go-yaml v2) where libyaml disagrees: a colon
before `,`, `]` or `}` in a flow collection belongs to the plain scalar (input/goyaml.py)."""

from __future__ import annotations

import pytest

from meshlint.input import fastyaml
from meshlint.input.goyaml import mask_flow_colons
from meshlint.input.problems import ProblemKind
from meshlint.input.yamlpos import Limits, locate, parse_documents


def read(text: str) -> tuple[list[object], list]:
    problems: list = []
    return [value for value, _, _ in parse_documents(text, problems)], problems


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # go-yaml's yaml_parser_scan_plain_scalar: ':' ends a plain scalar only before a blank
        ("a: [1.2.3.4, 001:db8::]\n", {"a": ["1.2.3.4", "001:db8::"]}),
        ("a: [x:, y]\n", {"a": ["x:", "y"]}),
        ("a: {x:}\n", {"a": {"x:": None}}),
        ("a: {k: v:, l: 2001:db8::}\n", {"a": {"k": "v:", "l": "2001:db8::"}}),
        ("a: [1:]\n", {"a": ["1:"]}),  # ends in ':', so no number: a string
        # not in a flow collection, quoted, in a block scalar: read as before, colon kept
        ("a: x:]\nb: 'q a:]'\nc: |\n  d:}\n", {"a": "x:]", "b": "q a:]", "c": "d:}\n"}),
        # a colon after a quoted key or alone is a value indicator to both parsers
        ('a: ["q":]\n', {"a": [{"q": None}]}),
        ("a: [b: c]\n", {"a": [{"b": "c"}]}),
    ],
)
def test_flow_colons_read_as_go_yaml_reads_them(text, value):
    assert read(text) == ([value], [])


def test_a_colon_before_an_opening_bracket_stays_an_error():
    """go-yaml ends `b:` at `[`, then finds no `,` or `]`: an error to both parsers."""
    _, problems = read("a: [b:[c]]\n")
    assert [(p.kind, p.line, p.column) for p in problems] == [(ProblemKind.SYNTAX, 0, 5)]


def test_positions_after_a_masked_colon_are_unchanged():
    text = "spec:\n  addresses: [001:db8::, 10.0.0.1, {k: 2001:db8::}]\n  x: 1\n"
    (value,), problems = read(text)
    assert problems == []
    assert locate(value, ("spec", "addresses", 1)) == (1, 25)
    assert locate(value, ("spec", "addresses", 2, "k")) == (1, 39)
    assert locate(value, ("spec", "x")) == (2, 5)


def test_placeholder_in_the_text_is_not_mistaken_for_a_colon():
    text = "a: [\ue000x:, y]\n"
    assert read(text) == ([{"a": ["\ue000x:", "y"]}], [])
    masked, placeholder = mask_flow_colons(text)
    assert placeholder is not None and placeholder != "\ue000" and len(masked) == len(text)


def test_duplicate_keys_compare_the_restored_text():
    _, problems = read('{x:, "x:": 1}\n')
    assert [p.kind for p in problems] == [ProblemKind.DUPLICATE_KEY]


def test_aliases_anchors_and_tags_are_left_to_libyaml():
    assert mask_flow_colons("a: [*x:]\n")[1] is None
    assert mask_flow_colons("a: [&x:]\n")[1] is None
    assert mask_flow_colons("a: [!t:]\n")[1] is None


def test_fast_path_refuses_such_text():
    """ryaml is libyaml: it must hand such text to the exact parser."""
    assert fastyaml.load("a: [1.2.3.4, 001:db8::]\n", Limits()) is None
    assert fastyaml.load("a: {x:}\n", Limits()) is None


def test_masking_is_linear():
    text = "a: [" + "b:," * 200_000 + "]\n"
    masked, placeholder = mask_flow_colons(text)
    assert placeholder is not None and masked.count(placeholder) == 200_000
