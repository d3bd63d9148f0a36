"""The fast path (``fastyaml``) must read every text it accepts exactly as the position-keeping
parser (``yamlpos``) does: the same documents, the same values of the same types. It may refuse
text that would have read the same; it must never accept text that would not."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshlint.cli.conformance import DEFAULT_SUITE
from meshlint.engine.analyse import analyse
from meshlint.input import fastyaml
from meshlint.input.loader import load_text
from meshlint.input.yamlpos import Limits, parse_documents
from tests.golden import load_cases

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402


def exact(text: str, limits: Limits = Limits()) -> tuple[list[object], list]:
    problems: list = []
    return [value for value, _, _ in parse_documents(text, problems, limits)], problems


def identical(a: object, b: object) -> bool:
    """Equal values of equal types, keys in the same order (``True == 1`` does not pass)."""
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and list(a) == list(b)
            and all(type(k) is type(j) for k, j in zip(a, b, strict=True))
            and all(identical(a[k], b[k]) for k in a)
        )
    if isinstance(a, list):
        return (
            isinstance(b, list)
            and len(a) == len(b)
            and all(identical(x, y) for x, y in zip(a, b, strict=True))
        )
    return type(a) is type(b) and (a == b or (a != a and b != b))


def assert_agrees(text: str, limits: Limits = Limits()) -> bool:
    """Checks the fast path against the exact one; says whether the fast path took it."""
    fast = fastyaml.load(text, limits)
    if fast is None:
        return False
    values, problems = exact(text, limits)
    assert problems == [], text
    assert identical(values, fast), text
    return True


def corpus() -> list[tuple[str, str]]:
    texts = [
        (f"{case.id}/{name}", text)
        for case in load_cases()
        for name, text in case.files.items()
        if isinstance(text, str)
    ]
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        texts.append((str(path.relative_to(ROOT)), path.read_text()))
    return texts


def test_every_golden_and_example_manifest_reads_alike():
    taken = sum(assert_agrees(text) for _, text in corpus())
    # The fast path is what the speed rests on: most plain manifests must take it.
    assert taken > 0.8 * len(corpus())


@pytest.mark.skipif(not DEFAULT_SUITE.is_dir(), reason=f"no conformance suite at {DEFAULT_SUITE}")
def test_every_conformance_input_reads_alike():
    paths = sorted(DEFAULT_SUITE.rglob("*.yaml"))
    assert paths
    taken = sum(assert_agrees(path.read_text(errors="replace")) for path in paths)
    assert taken > 0.5 * len(paths)


def test_generated_benchmark_tree_reads_alike(tmp_path):
    tree = generate(tmp_path / "tree", services=40, seed=5)
    paths = sorted(tree.rglob("*.yaml"))
    assert all(assert_agrees(path.read_text()) for path in paths)


@pytest.mark.parametrize(
    "text",
    [
        "a: yes\n",
        "a: [On]\n",
        "a: 010\n",
        "a: 0o10\n",
        "a: 0x_1F\n",
        "a: 1_000\n",
        "a: 1e3\n",
        "a: 1.0e3\n",
        "a: 12:30\n",
        "a: .5\n",
        "a: -.inf\n",
        "a: 123456789012345678901\n",
        "80: x\n",
        "true: x\n",
        "- null: x\n",
        "{1.5: x}\n",
        ": x\n",
        "a: !custom x\n",
        "a: !!str 1\n",
        "a: &base {k: 1}\nb: *base\n",
        "a:\n  <<: {k: 1}\n",
        "a: =\n",
        "? [1, 2]\n: x\n",
        "image: {{ .Values.image }}\n",
        "a: {port: ,443}\n",  # a flow mapping key without a colon
        "a: {b, true}\n",
        "spec:\n  No\x85x: 1\n",  # NEL breaks a line for YAML 1.1 only
        "a: yes\rb: 1\n",  # a lone CR ends the line
        "a: 1\na: 2\n",  # duplicate key: the exact parser reports it
        "",
        "# only a comment\n",
        "a: 1\n---\n",  # an empty document
        "a: [1\n",  # a syntax error
    ],
)
def test_text_read_differently_or_with_problems_is_refused(text):
    assert fastyaml.load(text, Limits()) is None


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: -2\nc: 1.5\nd: true\ne: null\nf: ~\ng: ''\nh: \"yes\"\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n",
        "hosts:\n- '*.example.com'\n- reviews.prod.svc.cluster.local\nimage: nginx:1.19\n",
        "a: 1\n---\nb: 2\n",
    ],
)
def test_plain_manifests_take_the_fast_path(text):
    assert assert_agrees(text)


def test_limits_send_text_to_the_exact_parser():
    nested = "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 12)) + "  " * 12 + "c: 1\n"
    assert assert_agrees(nested)
    assert fastyaml.load(nested, Limits(max_depth=5)) is None
    assert fastyaml.load("a: 1\n---\nb: 2\n", Limits(max_documents_per_file=1)) is None
    assert fastyaml.load("a: [1, 2, 3]\n", Limits(max_nodes_per_document=5)) is None


def test_positions_are_parsed_when_a_finding_needs_them(tmp_path):
    text = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\n"
        "spec:\n  hosts: [r]\n  http:\n  - route:\n    - destination: {host: r}\n"
        "      weight: 70\n"
    )
    assert fastyaml.load(text, Limits()) is not None
    source = load_text("vs.yaml", text)
    assert source.documents[0].line == -1  # read without positions
    assert source.with_positions()[0].line == 0
    path = tmp_path / "vs.yaml"
    path.write_text(text)
    findings = [f for f in analyse([str(path)]).findings if f.rule == "weight-sum"]
    assert [(f.line, f.column) for f in findings] == [(10, 15)]


# Plain scalars both parsers resolve alike, and ones they resolve differently (YAML 1.1
# against 1.2); any of them may also be quoted, which makes it a string for both.
_ALIKE = [
    "true",
    "False",
    "null",
    "~",
    "",
    "0",
    "-0",
    "+1",
    "1.5",
    "1.",
    "v1",
    "a b",
    "3s",
    "nginx:1.19",
    "reviews.prod",
    "x#y",
    "2001-12-14",
    "9223372036854775807",
    "0x1F",
]
_DIFFERENT = [
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "n",
    "010",
    "0o10",
    "0b11",
    "1_000",
    "1e3",
    "1.0e+3",
    ".5",
    "-.inf",
    ".NaN",
    "12:30",
    "1:20:30.5",
    "=",
    "<<",
    "*.x",
    "99999999999999999999",
]
_SCALARS = st.one_of(
    st.sampled_from(_ALIKE),
    st.sampled_from(_ALIKE),
    st.sampled_from(_ALIKE),
    st.sampled_from(_ALIKE + _DIFFERENT).map(lambda text: "'" + text + "'"),
    st.sampled_from(_ALIKE + _DIFFERENT).map(lambda text: '"' + text + '"'),
    st.sampled_from(_DIFFERENT),
)  # fmt: skip

_KEYS = st.one_of(
    st.sampled_from(["a", "b", "name", "host", "port", "x-y", "app.kubernetes.io/name"]),
    st.sampled_from(["a", "b", "name", "host", "port", "x-y", "app.kubernetes.io/name"]),
    _SCALARS,
)


def _mappings(values: st.SearchStrategy[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    return st.lists(st.tuples(_KEYS, values), min_size=1, max_size=4, unique_by=lambda p: p[0])


_NODES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        _mappings(children).map(lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
        st.lists(children, min_size=1, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
    ),
    max_leaves=8,
)


@pytest.mark.slow
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_mappings(_NODES), st.sampled_from(["block", "flow", "list"]))
def test_generated_yaml_is_refused_or_read_alike(pairs, layout):
    if layout == "block":
        text = "".join(f"{key}: {value}\n" for key, value in pairs)
    elif layout == "list":
        text = "".join(f"- {key}: {value}\n" for key, value in pairs)
    else:
        text = "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}\n"
    assert_agrees(text)


def test_without_ryaml_every_file_takes_the_exact_parser(monkeypatch):
    monkeypatch.setattr(fastyaml, "ryaml", None)
    text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n"
    assert fastyaml.load(text, Limits()) is None
    source = load_text("svc.yaml", text)
    assert source.documents[0].line == 0  # parsed with positions straight away
    assert source.with_positions() is source.documents


_INSERTS = [
    "yes", "No", "on", "y", "null", "010", "0o7", "1_0", "1e3", ".5", "12:30", "=", "<<", "*a",
    "&a x", "!t x", "? k", "'q'", '"d"', "9" * 20, "-0", "1.", "[1, 2]", "{a: 1}", "- x",
    "|\n  yes", "#c", "\t1", ": x", "x: y: z", "[a, yes]", "{a: on}", "80: x", "true: y",
    "\ufeff", "\x85", "\u2028", "\r", "yes\r", "\r\n", "%x", "`x", "!", "&", "*", "|", ">",
    "-", "?", ":", ",", "[", "]", "{", "}", ",443",
]  # fmt: skip


def test_mutated_manifests_are_refused_or_read_alike():
    """Real manifests with risky text inserted where scalars and keys start: the search that
    found the two gaps (NEL line breaks, flow mapping keys without a colon) now kept."""
    rng = random.Random(7)
    texts = [text for _, text in corpus() if re.search(r": |- |\n\s*", text)]
    taken = 0
    for _ in range(3000):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            starts = [m.end() for m in re.finditer(r": |- |\n\s*", text)]
            at = rng.choice(starts)
            text = text[:at] + rng.choice(_INSERTS) + text[at:]
        taken += assert_agrees(text)
    assert taken > 300  # the mutations leave many texts the fast path still takes
