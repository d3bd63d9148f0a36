"""The parse cache: never stale, robust to damage, safe to share, and inert to planted files."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meshlint.cli.main import main
from meshlint.input import cache as cache_module
from meshlint.input import loader as loader_module
from meshlint.input import statindex
from meshlint.input.cache import FORMAT, ParseCache
from meshlint.input.problems import ProblemKind

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


def tree_with(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    """A tree of manifests, and a cache directory beside it."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for name, text in files.items():
        (tree / name).write_text(text)
    return tree, tmp_path / "cache"


def packs(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.pack"))


def test_warm_run_reports_exactly_what_the_cold_run_did(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text(GOOD.replace("host: web}", "host: wbe}"))
    cache = tmp_path / "cache"
    cold = lint(tree, cache)
    assert len(packs(cache)) == 1
    assert lint(tree, cache) == cold == lint(tree, None)
    assert len(packs(cache)) == 1  # nothing new: nothing written
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
    (pack,) = packs(cache)
    good_bytes = pack.read_bytes()
    for damage in (b"", b"garbage", good_bytes[: len(good_bytes) // 2]):
        for old in packs(cache):
            old.unlink()
        shutil.rmtree(cache / f"v{FORMAT}" / "results", ignore_errors=True)  # a real run
        pack.write_bytes(damage)
        assert lint(tree, cache) == expected
        # the damaged pack is ignored and the entry written again
        assert good_bytes in [p.read_bytes() for p in packs(cache)]


class _Boom:
    def __reduce__(self):
        return (Path("/").joinpath, ("planted",))  # any callable: must never be called


def test_a_planted_pickle_is_refused_not_executed(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text(GOOD)
    cache = tmp_path / "cache"
    lint(tree, cache)
    (pack,) = packs(cache)
    store = ParseCache(cache)
    (key,) = store._load()
    pack.write_bytes(pickle.dumps({key: ([(_Boom(), 0, 0, 0)], [], True)}))
    assert ParseCache(cache).get(key) is None  # refused by the restricted unpickler
    assert lint(tree, cache)["findings"] == []


def test_problems_come_back_typed_and_an_entry_of_the_old_shape_is_a_miss(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text("a: [\n")  # a syntax error: one problem
    cache = tmp_path / "cache"
    expected = lint(tree, cache)
    (key,) = ParseCache(cache)._load()
    documents, problems, text = ParseCache(cache).get(key)
    assert [p.kind for p in problems] == [ProblemKind.SYNTAX]
    # Before problems were typed, an entry held the name of the rule that reported each one;
    # such an entry, were it ever read, is a miss, not a problem of an unknown kind.
    (pack,) = packs(cache)
    old = (documents, [("yaml-syntax", 0, 0, "did not find expected node content")], text)
    pack.write_bytes(pickle.dumps({key: old}))
    assert ParseCache(cache).get(key) is None
    shutil.rmtree(cache / f"v{FORMAT}" / "results", ignore_errors=True)
    assert lint(tree, cache) == expected


def test_no_cache_writes_nothing(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    lint(tree, None)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"]


@pytest.mark.slow
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


def test_packs_are_compacted_when_they_pile_up(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_PACKS", 3)
    tree, cache = tree_with(tmp_path, {})
    manifest = tree / "a.yaml"
    for round_ in range(5):
        manifest.write_text(GOOD.replace("shop", f"ns{round_}"))
        assert lint(tree, cache)["findings"] == []
        assert len(packs(cache)) <= 3
    assert lint(tree, cache) == lint(tree, None)


def results(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.result"))


def test_whole_run_results_are_reused_only_for_identical_input(tmp_path, monkeypatch):
    tree, cache = tree_with(tmp_path, {"a.yaml": GOOD.replace("host: web}", "host: wbe}")})
    manifest = tree / "a.yaml"
    first = lint(tree, cache)
    assert len(results(cache)) == 1
    assert lint(tree, cache) == first and len(results(cache)) == 1
    # other settings, other rules, other files: each a new result, never the stored one
    assert lint(tree, cache, "--namespace", "x") == lint(tree, None, "--namespace", "x")
    assert lint(tree, cache, "--ignore", "ML101")["findings"] == []
    manifest.write_text(GOOD)
    assert lint(tree, cache)["findings"] == []
    assert len(results(cache)) == 4


def test_a_damaged_or_planted_result_is_ignored(tmp_path):
    tree, cache = tree_with(tmp_path, {"a.yaml": GOOD.replace("host: web}", "host: wbe}")})
    expected = lint(tree, cache)
    (stored,) = results(cache)
    stored.write_bytes(b"garbage")
    assert lint(tree, cache) == expected
    stored.write_bytes(pickle.dumps({"key": stored.stem, "findings": [_Boom()]}))
    assert lint(tree, cache) == expected


def lint_text(path: Path, cache: Path) -> str:
    out = io.StringIO()
    main([str(path), "--cache-dir", str(cache), "--no-color"], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def count_reads(monkeypatch) -> list[str]:
    read: list[str] = []
    original = loader_module._read

    def counting(path, info, limits):
        read.append(path)
        return original(path, info, limits)

    monkeypatch.setattr(loader_module, "_read", counting)
    return read


def test_a_new_cache_directory_is_marked_and_an_existing_one_left_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)  # the stat index is then the first write
    tree, cache = tree_with(tmp_path, {"a.yaml": GOOD})
    lint(tree, cache)
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d1")
    existing = tmp_path / "existing"
    existing.mkdir()
    lint(tree, existing)
    assert packs(existing)
    assert not (existing / ".gitignore").exists()


def test_a_settled_unchanged_tree_is_not_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)  # the files here are seconds old at most
    broken, other = GOOD.replace("host: web}", "host: wbe}"), GOOD.replace("shop", "shop2")
    tree, cache = tree_with(tmp_path, {"a.yaml": broken, "b.yaml": other})
    cold = lint_text(tree, cache)
    read = count_reads(monkeypatch)
    assert lint_text(tree, cache) == cold  # excerpt included: the finding's file is read
    assert read == [str(tree / "a.yaml")]  # only the file a finding points into


def test_after_an_edit_only_the_edited_file_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    broken, other = GOOD.replace("host: web}", "host: wbe}"), GOOD.replace("shop", "shop2")
    tree, cache = tree_with(tmp_path, {"a.yaml": broken, "b.yaml": other, "c.yaml": other})
    lint_text(tree, cache)
    (tree / "c.yaml").write_text(other.replace("shop2", "shop3"))
    read = count_reads(monkeypatch)
    edited = lint_text(tree, cache)  # the whole run is not stored: every file is analysed
    assert read == [str(tree / "c.yaml")]  # the others' parse and text come from the cache
    assert edited == lint_text(tree, tmp_path / "fresh")
    assert "host: wbe" in edited  # the excerpt, from the cached text


def test_an_edit_that_keeps_size_and_modification_time_is_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    tree, cache = tree_with(tmp_path, {"a.yaml": GOOD})
    manifest = tree / "a.yaml"
    assert lint(tree, cache)["findings"] == []
    before = manifest.stat()
    manifest.write_text(GOOD.replace("host: web}", "host: wbe}"))  # same size
    os.utime(manifest, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime
    assert manifest.stat().st_size == before.st_size
    assert [f["rule"] for f in lint(tree, cache)["findings"]] == ["dangling-host"]


def test_a_file_changed_just_before_the_run_is_always_read(tmp_path, monkeypatch):
    monkeypatch.setattr(statindex, "SETTLE_NS", 10**15)  # however slow the machine: unsettled
    tree, cache = tree_with(tmp_path, {"a.yaml": GOOD})
    manifest = tree / "a.yaml"
    lint(tree, cache)
    read = count_reads(monkeypatch)
    lint(tree, cache)  # the file is younger than the settling time: not recorded, read again
    assert read == [str(manifest)]
    index = ParseCache(cache).stat_index
    assert index.key(str(manifest), manifest.stat()) is None


def test_a_damaged_stat_index_is_an_empty_one(tmp_path, monkeypatch):
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    tree, cache = tree_with(tmp_path, {"a.yaml": GOOD.replace("host: web}", "host: wbe}")})
    expected = lint(tree, cache)
    (index_file,) = cache.rglob("stat-index-*.json")
    for damage in (b"", b"{not json", b"[1, 2]", b'{"/x": [1, 2, 3, 4, 5, 7]}'):
        index_file.write_bytes(damage)
        assert lint(tree, cache) == expected


def test_another_meshlint_does_not_reuse_cached_work(tmp_path, monkeypatch):
    package = tmp_path / "meshlint"
    package.mkdir()
    module = package / "rule.py"
    module.write_text("A = 1\n")
    monkeypatch.setattr(cache_module, "_PACKAGE", package)
    monkeypatch.setattr(cache_module, "code_fingerprint", cache_module.code_fingerprint.__wrapped__)
    before = ParseCache(tmp_path / "cache").key(b"manifest")
    module.write_text("A = 22\n")  # an edit, or a checkout of another commit
    assert ParseCache(tmp_path / "cache").key(b"manifest") != before


def test_the_stat_index_forgets_what_no_run_uses_once_it_grows(tmp_path, monkeypatch):
    monkeypatch.setattr(statindex, "SETTLE_NS", 0)
    monkeypatch.setattr(statindex, "MAX_ENTRIES", 2)
    old, cache = tree_with(tmp_path, {f"{name}.yaml": GOOD for name in "abcd"})
    lint(old, cache)
    (index_file,) = cache.rglob("stat-index-*.json")
    assert len(json.loads(index_file.read_bytes())) == 4
    new = tmp_path / "new"
    new.mkdir()
    (new / "d.yaml").write_text(GOOD)
    lint(new, cache)
    assert list(json.loads(index_file.read_bytes())) == [str(new / "d.yaml")]
