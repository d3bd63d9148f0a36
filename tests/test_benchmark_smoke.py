"""A small run of the benchmark's generator: the tree is realistic enough that meshlint finds
exactly the mistakes the generator planted, and nothing else."""

import sys
from collections import Counter
from pathlib import Path

import pytest

from meshlint.engine import analyse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import generate


@pytest.mark.parametrize(("per_namespace", "namespaces"), [(20, 6), (60, 2)])
def test_generated_tree_yields_only_the_planted_mistakes(tmp_path, per_namespace, namespaces):
    tree = generate(tmp_path / "tree", services=120, seed=3, per_namespace=per_namespace)
    broken = sum("x.team" in p.read_text() for p in tree.rglob("virtualservice.yaml"))
    assert broken > 0
    assert len(list(tree.glob("team*"))) == namespaces
    report = analyse([str(tree)])
    assert len(report.sources) == namespaces + 4 * 120
    assert Counter(f.rule for f in report.findings) == {
        "dangling-host": broken,
        "weight-sum": broken,
    }
