"""``meshlint graph --format mermaid`` read by Mermaid's own parser (the npm package, run
headless in Node.js by ``tests/graph/mermaid_parse.mjs``): every output must parse, and
Mermaid must read back each node, edge and label as meshlint meant them, so no name,
match or message can break the diagram.

The packages (``tests/graph/package.json``, pinned) live in an npm prefix named by
``MESHLINT_MERMAID_PREFIX``, else in ``~/.cache/meshlint/mermaid``. Without Node.js or the
packages the test skips and says why; ``.ci/run`` installs them wherever Node.js is and sets
``MESHLINT_MERMAID_PREFIX``, which turns the skip into a failure."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from graphs import MULTI, ROOT, graph, graph_json
from renderers import need_kustomize

PARSER = ROOT / "tests" / "graph" / "mermaid_parse.mjs"
PACKAGES = json.loads((ROOT / "tests" / "graph" / "package.json").read_text())["dependencies"]
ENV = "MESHLINT_MERMAID_PREFIX"


def _missing(why: str) -> None:
    if os.environ.get(ENV):
        pytest.fail(f"{why}, but {ENV} says this machine has it")
    pytest.skip(why)


def _prefix() -> tuple[str, Path]:
    """Node.js and the npm prefix holding the pinned packages."""
    node = shutil.which("node")
    if node is None:
        _missing("Node.js is not installed: the Mermaid output is not parsed by Mermaid")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    prefix = Path(os.environ.get(ENV) or cache / "meshlint" / "mermaid")
    for name, version in PACKAGES.items():
        manifest = prefix / "node_modules" / name / "package.json"
        found = json.loads(manifest.read_text())["version"] if manifest.is_file() else None
        if found != version:
            install = f"cp tests/graph/package.json {prefix}/ && npm install --prefix {prefix}"
            _missing(f"{name} {version} is not installed in {prefix} (run: {install})")
    return str(node), prefix


# (name, meshlint graph arguments): every mesh shape the tests draw.
CASES = [
    ("bookstore", ("examples/bookstore",)),
    ("multi", (MULTI,)),
    ("multi-namespace", (MULTI, "--namespace", "payments")),
    ("multi-gateway", (MULTI, "--gateway", "ingress/public")),
]


def _parse(node: str, prefix: Path, files: list[Path]) -> dict[str, dict]:
    result = subprocess.run(
        [node, str(PARSER), str(prefix), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    parsed = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert parsed, result.stderr
    return {Path(item["file"]).stem: item for item in parsed}


def _check(read: dict, expected: dict) -> None:
    """Mermaid read the meshes, nodes, notes, edges and labels the JSON format describes."""
    assert read["ok"], read.get("error")
    assert read["type"] == "flowchart-v2"
    meshes = expected["meshes"]
    assert [title for _, title, _ in read["subgraphs"]] == [f"mesh {m['name']}" for m in meshes]
    vertices, edges = read["vertices"], read["edges"]
    notes = links = 0
    for index, mesh in enumerate(meshes):
        for number, node in enumerate(mesh["nodes"]):
            lines = vertices[f"m{index}n{number}"].split("<br>")
            assert lines[0] == node["label"]
            if node["dangling"]:
                assert lines[-1] == f"✗ dangling: {node['dangling']}"
        findings = [f for item in (*mesh["nodes"], *mesh["edges"]) for f in item["findings"]]
        for number, finding in enumerate(findings):
            note = vertices[f"m{index}f{number}"]
            assert f" {finding['code']} {finding['name']} ({finding['severity']})" in note
        notes += len(findings) + bool(mesh["unattached_findings"])
        links += len(mesh["edges"]) + len(findings)
    assert len(vertices) == sum(len(m["nodes"]) for m in meshes) + notes
    assert len(edges) == links


def test_mermaid_output_parses_with_mermaid(monkeypatch, tmp_path):
    node, prefix = _prefix()
    cases = list(CASES)
    try:
        need_kustomize()
        cases.append(("examples", ("examples/",)))
    except pytest.skip.Exception:
        pass  # the other cases still run; the kustomize overlays are not drawn
    files, expected = [], {}
    for name, argv in cases:
        path = tmp_path / f"{name}.mmd"
        path.write_text(graph(monkeypatch, *argv, "--format", "mermaid"), encoding="utf-8")
        files.append(path)
        expected[name] = graph_json(monkeypatch, *argv)
    read = _parse(node, prefix, files)
    for name, _ in cases:
        _check(read[name], expected[name])


def test_labels_survive_every_special_character(monkeypatch, tmp_path):
    """A match regex with quotes, #, <, >, & and a backtick is read back as written."""
    node, prefix = _prefix()
    path = tmp_path / "hostile.mmd"
    path.write_text(graph(monkeypatch, MULTI, "--format", "mermaid"), encoding="utf-8")
    labels = _parse(node, prefix, [path])["hostile"]["vertices"].values()
    assert any('uri regex ^/basket/(v1|v2)"#<b>&`' in label for label in labels)


def test_the_parser_refuses_a_broken_flowchart(tmp_path):
    """The check has teeth: a label with an unclosed quote does not parse."""
    node, prefix = _prefix()
    path = tmp_path / "broken.mmd"
    path.write_text('flowchart LR\n  a["x --> b\n', encoding="utf-8")
    assert not _parse(node, prefix, [path])["broken"]["ok"]
