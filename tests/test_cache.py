"""The parse cache: never stale, robust to damage, safe to share, and inert to planted files."""

from __future__ import annotations

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path

from meshlint import parallel
from meshlint.cache import ParseCache
from meshlint.cli import main
from meshlint.loader import discover, load_paths
from meshlint.yamlpos import Limits

ROOT = Path(__file__).resolve().parent.parent
GOOD = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - route:
    - destination: {host: web}
"""


def lint(path: Path, cache: Path | None, *extra: str) -> dict:
    out = io.StringIO()
    flags = ["--no-cache"] if cache is None else ["--cache-dir", str(cache)]
    main([str(path), "--format", "json", *flags, *extra], stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def entries(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.is_file() and p.parent.parent.name == "v1"]


def test_warm_run_reports_exactly_what_the_cold_run_did(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text(GOOD.replace("host: web}", "host: wbe}"))
    cache = tmp_path / "cache"
    cold = lint(tree, cache)
    assert len(entries(cache)) == 1
    assert lint(tree, cache) == cold == lint(tree, None)
    assert [f["rule"] for f in cold["findings"]] == ["dangling-host"]
    assert (cache / ".gitignore").read_text().strip().endswith("*")


def test_a_changed_file_is_parsed_again(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    manifest = tree / "a.yaml"
    manifest.write_text(GOOD)
    cache = tmp_path / "cache"
    assert lint(tree, cache)["findings"] == []
    manifest.write_text(GOOD.replace("host: web}", "host: wbe}"))
    assert [f["line"] for f in lint(tree, cache)["findings"]] == [12]
    manifest.write_text(GOOD)
    assert lint(tree, cache)["findings"] == []


def test_corrupted_and_truncated_entries_are_misses_and_get_rewritten(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text(GOOD.replace("host: web}", "host: wbe}"))
    cache = tmp_path / "cache"
    expected = lint(tree, cache)
    (entry,) = entries(cache)
    good_bytes = entry.read_bytes()
    for damage in (b"", b"garbage", good_bytes[: len(good_bytes) // 2]):
        entry.write_bytes(damage)
        assert lint(tree, cache) == expected
        assert entry.read_bytes() == good_bytes


class _Boom:
    def __reduce__(self):
        return (Path("/").joinpath, ("planted",))  # any callable: must never be called


def test_a_planted_pickle_is_refused_not_executed(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text(GOOD)
    cache = tmp_path / "cache"
    lint(tree, cache)
    (entry,) = entries(cache)
    entry.write_bytes(pickle.dumps(([(_Boom(), 0, 0, 0)], [], True)))
    store = ParseCache(cache)
    assert store.get(entry.name) is None  # refused by the restricted unpickler
    assert lint(tree, cache)["findings"] == []


def test_no_cache_writes_nothing(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    lint(tree, None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"]


def test_concurrent_runs_sharing_one_cache_agree(tmp_path):
    tree = tmp_path / "tree"
    for index in range(40):
        folder = tree / f"ns{index}"
        folder.mkdir(parents=True)
        text = GOOD.replace("shop", f"ns{index}")
        if index % 7 == 0:
            text = text.replace("host: web}", "host: wbe}")
        (folder / "m.yaml").write_text(text)
    cache = tmp_path / "cache"
    command = [
        sys.executable,
        "-m",
        "meshlint",
        str(tree),
        "--format",
        "json",
        "--exit-zero",
        "--cache-dir",
        str(cache),
        "--jobs",
        "1",
    ]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
        for _ in range(3)
    ]
    outputs = [json.loads(run.communicate()[0]) for run in runs]
    expected = lint(tree, None)
    assert all(output == expected for output in outputs)
    assert len(expected["findings"]) == 6
    assert lint(tree, cache) == expected


def test_parallel_parse_matches_sequential(tmp_path, monkeypatch):
    for index in range(24):
        (tmp_path / f"f{index:02d}.yaml").write_text(GOOD.replace("shop", f"ns{index}"))
    (tmp_path / "broken.yaml").write_text("a: [\n")
    monkeypatch.setattr(parallel, "MIN_FILES_PER_JOB", 4)
    files = list(discover([str(tmp_path)]))
    sequential = load_paths(files)
    together = parallel.load_many(files, Limits(), None, jobs=2)
    assert together is not None
    assert [(s.path, [d.value for d in s.documents], s.problems) for s in together] == [
        (s.path, [d.value for d in s.documents], s.problems) for s in sequential
    ]
