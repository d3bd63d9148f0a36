"""Running ``meshlint graph`` in-process, and the meshes its tests draw."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from meshlint.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
MULTI = "tests/data/graph/multi"  # two gateways, three namespaces, every dangling end

__all__ = ["MULTI", "ROOT", "graph", "graph_json"]


def graph(monkeypatch: pytest.MonkeyPatch, *argv: str, status: int = 0) -> str:
    """``meshlint graph ARGV`` from the repository root; its standard output."""
    monkeypatch.chdir(ROOT)
    out, err = io.StringIO(), io.StringIO()
    assert main(["graph", *argv], stdout=out, stderr=err) == status, err.getvalue()
    return out.getvalue()


def graph_json(monkeypatch: pytest.MonkeyPatch, *argv: str) -> dict:
    return json.loads(graph(monkeypatch, *argv, "--format", "json"))
