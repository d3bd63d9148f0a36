"""A small run of the benchmark's generator: the tree is realistic enough that meshlint finds
exactly the mistakes the generator planted, and nothing else."""

import sys
from collections import Counter
from pathlib import Path

import pytest

from meshlint.engine.analyse import analyse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import generate

# Trees of 120 generated services: seconds in all.
pytestmark = pytest.mark.slow


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


def test_every_scale_probe_shape_builds_a_mesh_the_rules_run_on(tmp_path):
    from scale_probe import SHAPES, build, time_rules

    from meshlint.rules import RULES

    for shape in SHAPES:
        mesh, resources = build(shape, 30, tmp_path)
        assert resources > 0, shape
        (timings,) = time_rules([mesh], RULES, repeat=1)
        assert set(timings) == {rule.name for rule in RULES}
        assert sum(count for _, count in timings.values()) > 0, shape  # its planted mistakes
