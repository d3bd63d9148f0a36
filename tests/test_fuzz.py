"""The fuzz properties of ``tests/fuzz.py`` with a small CI budget, the exhaustive
wrong-type sweep, and regression tests for what fuzzing found."""

from __future__ import annotations

import copy

import fuzz
import pytest
from hypothesis import HealthCheck

from meshlint.input.resources import K, Kind

CI = {
    "max_examples": 40,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
    "database": None,
}


@pytest.mark.slow
def test_fuzz_pipeline_with_mutated_manifests():
    fuzz.property_test("pipeline", **CI)()


@pytest.mark.slow
def test_fuzz_wrong_types_in_every_kind():
    fuzz.property_test("wrong-types", **CI)()


def test_the_seeds_cover_every_istio_kind():
    kinds = {document["kind"] for document in fuzz.ISTIO}
    assert {k.kind for k in vars(K).values() if isinstance(k, Kind) and "istio" in k.group} <= kinds


@pytest.mark.slow
@pytest.mark.parametrize("value", fuzz.WRONG_VALUES, ids=repr)
def test_every_field_of_every_seed_with_a_wrong_type(value):
    """Exhaustive: in one manifest of every Istio kind (and the Kubernetes kinds they refer
    to), every field set to ``value`` in turn, one variant document per field, in one run."""
    variants = []
    for seed in fuzz.ISTIO:
        for path in fuzz.paths(seed):
            document = copy.deepcopy(seed)
            fuzz.set_at(document, path, value)
            variants.append(document)
    files = {f"v{i}.yaml": fuzz.dump([v], False) for i, v in enumerate(variants)}
    # Rendering is left to the hypothesis properties: here the rules are what is swept.
    fuzz.check_pipeline({"seeds.yaml": fuzz.dump(fuzz.ISTIO, False), **files}, render=False)


@pytest.mark.parametrize(
    "text",
    [
        # A typed scalar whose text does not fit its tag raised KeyError out of the loader,
        # ending the whole run (fuzz: the "tag" mutation, `!!bool v1`).
        "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: !!bool v1}\n",
        "spec:\n  hosts: !!int\n  weight: !!float -\n",
        # libyaml reports an error at end of input on a line past the last one (`\r` breaks).
        "apiVersion: \rv",
        # Shared values dumped as anchors and aliases, then overridden by a merge.
        "a: &x {name: 1}\nb:\n  <<: *x\n  name: 2\n",
    ],
)
def test_regressions_found_by_fuzzing(text):
    fuzz.check_pipeline({"a.yaml": text})
