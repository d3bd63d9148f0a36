"""The real renderers a test needs: a visible skip when one is missing, and a failure instead
when the run says they must be there (``.ci/run`` sets ``MESHLINT_REQUIRE_RENDERERS`` to the
renderers the machine has, so CI never passes by skipping them)."""

from __future__ import annotations

import os

import pytest

from meshlint.render.helm import helm_command
from meshlint.render.kustomize import renderer_command

__all__ = ["need_helm", "need_kustomize"]


def _missing(tool: str, why: str) -> None:
    required = os.environ.get("MESHLINT_REQUIRE_RENDERERS", "").split(",")
    if tool in required:
        pytest.fail(f"{why}, but MESHLINT_REQUIRE_RENDERERS says this machine has it")
    pytest.skip(why)


def need_kustomize() -> list[str]:
    """``kustomize build`` or ``kubectl kustomize``."""
    command = renderer_command()
    if command is None:
        _missing(
            "kustomize", "neither `kustomize` nor `kubectl` is on PATH: kustomize tests need one"
        )
    return command  # type: ignore[return-value]


def need_helm() -> list[str]:
    command = helm_command()
    if command is None:
        _missing("helm", "helm is not installed: the real `helm template` is not exercised")
    return command  # type: ignore[return-value]
