"""Property: an applied fix changes a document only at the fixed path and never loses a
comment, whatever the formatting (block and flow collections, quoting styles, comments,
blank lines, several documents, CRLF). Documents are generated as text with numbered
comments; edits are picked among the nodes they hold; the result is read back by PyYAML (not
the ruamel.yaml that ``meshlint.fix.verify`` uses) and compared with the original data with
the edit made by hand. A refused edit must leave the text as it was. Also: ``--fix`` on a copy
of ``examples/`` repairs every safe finding with a minimal diff."""

from __future__ import annotations

import copy
import difflib
import io
import re
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from meshlint.cli.main import main
from meshlint.findings import Edit, Finding, Fix, FixSafety, Severity
from meshlint.fix import fix_files

KEYS = st.sampled_from(["alpha", "beta", "gamma", "delta", "host", "name", "weight", "port"])
WORDS = st.sampled_from(["x", "reviews", "v1", "shop.svc", "a-b", "true", "10", "it's"])


@st.composite
def scalars(draw):
    value = draw(st.one_of(st.integers(-5, 500), WORDS))
    if isinstance(value, int):
        return value, str(value)
    style = draw(st.sampled_from(["plain", "single", "double"]))
    if style == "plain" and re.fullmatch(r"[a-z][a-z.-]*|v1", value) and value != "true":
        return value, value
    if style == "single":
        return value, "'" + value.replace("'", "''") + "'"
    return value, '"' + value + '"'


@st.composite
def flow_maps(draw):
    keys = draw(st.lists(KEYS, min_size=1, max_size=3, unique=True))
    items = [(k, draw(scalars())) for k in keys]
    return {k: v for k, (v, _) in items}, "{" + ", ".join(f"{k}: {t}" for k, (_, t) in items) + "}"


class Emitter:
    def __init__(self, draw):
        self.draw = draw
        self.comments = 0

    def comment(self) -> str:
        self.comments += 1
        return f"# c{self.comments}"

    def trailing(self) -> str:
        return f"   {self.comment()}" if self.draw(st.booleans()) else ""

    def mapping(self, indent: int, depth: int) -> tuple[dict, list[str]]:
        keys = self.draw(st.lists(KEYS, min_size=1, max_size=4, unique=True))
        data, lines, pad = {}, [], " " * indent
        for key in keys:
            if self.draw(st.integers(0, 4)) == 0:
                lines.append(pad + self.comment())
            if self.draw(st.integers(0, 5)) == 0:
                lines.append("")
            kind = self.draw(st.sampled_from(["scalar", "flow", "block", "list"]))
            if kind == "block" and depth < 2:
                trail = self.trailing()
                data[key], inner = self.mapping(indent + 2, depth + 1)
                lines += [f"{pad}{key}:{trail}", *inner]
            elif kind == "list" and depth < 2:
                items = self.draw(st.integers(1, 2))
                data[key] = []
                lines.append(f"{pad}{key}:")
                for _ in range(items):
                    value, inner = self.mapping(indent + 2, depth + 1)
                    data[key].append(value)
                    inner[0] = f"{pad}- " + inner[0][indent + 2 :]
                    lines += inner
            elif kind == "flow":
                data[key], text = self.draw(flow_maps())
                lines.append(f"{pad}{key}: {text}{self.trailing()}")
            else:
                data[key], text = self.draw(scalars())
                lines.append(f"{pad}{key}: {text}{self.trailing()}")
        return data, lines


@st.composite
def files(draw):
    emitter = Emitter(draw)
    documents, parts = [], []
    for index in range(draw(st.integers(1, 3))):
        data, lines = emitter.mapping(0, 0)
        documents.append(data)
        head = ["---"] if index or draw(st.booleans()) else []
        parts += head + lines
    text = "\n".join(parts) + "\n"
    return documents, text, emitter.comments


def _paths(node, path=()):
    """(path, parent kind) of every node below ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), node
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


@st.composite
def edits(draw, documents):
    index = draw(st.integers(0, len(documents) - 1))
    candidates = list(_paths(documents[index]))
    mappings = [()] + [p for p, _ in candidates if isinstance(_get(documents[index], p), dict)]
    op = draw(st.sampled_from(["set", "rename", "delete", "insert"]))
    scalar_paths = [
        p for p, _ in candidates if not isinstance(_get(documents[index], p), dict | list)
    ]
    if op == "insert" or not scalar_paths:
        return index, Edit("insert", draw(st.sampled_from(mappings)), draw(WORDS), "zz-new")
    path = draw(st.sampled_from(scalar_paths))
    if op == "set":
        return index, Edit("set", path, draw(st.one_of(st.integers(0, 99), WORDS)))
    if op == "rename":
        return index, Edit("rename", path, key="renamed")
    return index, Edit("delete", path)


def _get(node, path):
    for step in path:
        node = node[step]
    return node


def _expected(documents, index, edit):
    result = copy.deepcopy(documents)
    document = result[index]
    if edit.op == "insert":
        _get(document, edit.path)[edit.key] = edit.value
        return result
    parent, step = _get(document, edit.path[:-1]), edit.path[-1]
    if edit.op == "set":
        parent[step] = edit.value
    elif edit.op == "delete":
        del parent[step]
    else:
        items = list(parent.items())
        parent.clear()
        parent.update(("renamed" if k == step else k, v) for k, v in items)
    return result


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), crlf=st.booleans())
def test_fix_changes_only_the_fixed_path(tmp_path_factory, data, crlf):
    documents, text, count = data.draw(files())
    assert list(yaml.safe_load_all(text)) == documents  # the generator writes what it means
    index, edit = data.draw(edits(documents))
    if crlf:
        text = text.replace("\n", "\r\n")
    path = tmp_path_factory.mktemp("prop") / "file.yaml"
    path.write_bytes(text.encode())
    fix = Fix(str(path), index, -1, (edit,), FixSafety.SAFE, "test")
    finding = Finding("ML000", "test", Severity.INFO, "m", str(path), 1, 1, fix=fix)
    (result,) = fix_files([finding])
    new = result.new
    comments = re.findall(r"# c\d+", new)
    assert comments == [f"# c{n}" for n in range(1, count + 1)], "a comment was lost or moved"
    event(f"{edit.op} {'applied' if result.applied else 'refused'}")
    if not result.applied:
        assert new == text
        return
    assert list(yaml.safe_load_all(new)) == _expected(documents, index, edit)
    # Outside the edited lines, the text is byte for byte the same.
    old_lines, new_lines = text.splitlines(keepends=True), new.splitlines(keepends=True)
    changed = [op for op in difflib.SequenceMatcher(None, old_lines, new_lines).get_opcodes()]
    assert sum(1 for tag, *_ in changed if tag != "equal") <= 1
    if crlf:
        assert "\n" not in new.replace("\r\n", "")


def test_fix_examples_minimal(tmp_path, monkeypatch):
    """``--fix`` on a copy of ``examples/`` repairs every safe finding (a ``--diff`` after it
    has nothing left) and changes no more lines than the fixes need."""
    source = Path(__file__).resolve().parent.parent / "examples"
    copied = tmp_path / "examples"
    shutil.copytree(source, copied)
    monkeypatch.chdir(tmp_path)
    before = {p: p.read_text() for p in copied.rglob("*") if p.is_file()}
    out, err = io.StringIO(), io.StringIO()
    main(["--no-cache", "--fix", "--format", "json", "examples"], out, err)
    fixed = int(re.search(r'"fixed": (\d+)', out.getvalue())[1])
    assert fixed >= 3
    changed_lines = 0
    for path, text in before.items():
        diff = difflib.unified_diff(text.splitlines(), path.read_text().splitlines(), lineterm="")
        changed_lines += sum(1 for line in diff if line[:1] in "+-" and line[:3] not in "+++---")
    assert changed_lines <= 2 * fixed
    out = io.StringIO()
    assert main(["--no-cache", "--diff", "examples"], out, io.StringIO()) == 0
    assert out.getvalue() == ""
