"""The shipped annotation registry matches a regeneration from Istio's YAML files."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "istio"


def _generator():
    spec = importlib.util.spec_from_file_location("gen", ROOT / "scripts" / "gen_annotations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SHARED / "annotations.yaml").exists(), reason="../shared is absent")
def test_shipped_annotation_data_matches_regeneration():
    shipped = (ROOT / "meshlint" / "data" / "annotations.json").read_text()
    assert _generator().generate(SHARED) == shipped, "run scripts/gen_annotations.py"


def test_shipped_data_has_the_entries_rules_rely_on():
    from meshlint.facts.annotations import lookup, lookup_label

    assert lookup("sidecar.istio.io/inject")["deprecated"]
    assert lookup("readiness.status.sidecar.istio.io/periodSeconds")["value"] == "uint32"
    assert lookup("kubernetes.io/ingress.class")["resources"] == ["Ingress"]
    assert lookup_label("istio.io/dataplane-mode") is not None
