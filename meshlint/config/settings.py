"""Run settings: what the command line and (later) the config file decide for a run.

Rules read these, never the command line or a config file themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = ["CURRENT_ISTIO", "Settings", "parse_istio_version"]

# The Istio minor release meshlint's built-in knowledge follows ("current" on the CLI).
CURRENT_ISTIO = (1, 28)


def parse_istio_version(text: str) -> tuple[int, int]:
    """``"1.14"``, ``"1.14.3"``, ``"v1.20"`` or ``"current"`` -> ``(major, minor)``."""
    if text.strip().lower() in ("", "current", "latest"):
        return CURRENT_ISTIO
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?", text.strip())
    if not match:
        raise ValueError(f"not an Istio version: {text!r} (expected e.g. 1.22 or 1.22.3)")
    return int(match[1]), int(match[2])


@dataclass(frozen=True, slots=True)
class Settings:
    # Production detection: an explicit environment wins over everything else.
    env: str | None = None
    env_label_keys: tuple[str, ...] = ("env", "environment", "stage", "tier")
    # The one list of production values: --env, env labels and namespace-name tokens.
    production_values: tuple[str, ...] = ("prod", "production", "prd", "live")
    nonproduction_values: tuple[str, ...] = (
        "dev",
        "development",
        "test",
        "testing",
        "qa",
        "staging",
        "stage",
        "stg",
        "sandbox",
        "preview",
        "nonprod",
        "non-prod",
        "local",
        "ci",
        "uat",
        "demo",
    )
    production_paths: tuple[str, ...] = ("**/prod/**", "**/production/**", "**/prd/**")
    istio_version: tuple[int, int] = CURRENT_ISTIO
    default_namespace: str = "default"
    cluster_domain: str = "cluster.local"
    root_namespace: str = "istio-system"
    system_namespaces: tuple[str, ...] = ("kube-*", "istio-system", "istio-operator")
    # What exists outside the analysed files (globs): "reviews.shop.svc.cluster.local",
    # "*.example.com"; gateways as "namespace/name".
    known_hosts: tuple[str, ...] = ()
    # The analysed files are everything the cluster holds (a `kubectl get -A -o yaml` dump, or
    # Istio's analyzer tests): what they lack is missing. Otherwise a missing Service or pod is
    # reported only where the files show they manage such things.
    whole_cluster: bool = False
    known_gateways: tuple[str, ...] = ()
    # Namespaces that exist outside the analysed files (globs).
    known_namespaces: tuple[str, ...] = ()
    # Workloads that exist outside the analysed files: "namespace/label=value[,label=value]"
    # (the namespace may be a glob). Default: Istio's standard gateways.
    known_workloads: tuple[str, ...] = (
        "istio-system/istio=ingressgateway",
        "istio-system/istio=egressgateway",
    )
    # A mesh config file (--mesh-config); see meshlint/facts/meshconfig.py.
    mesh_config_file: str | None = None
    # A directory of JSON Schemas (<group>/<version>/<kind>.json, as `meshlint schemas
    # import` writes them) that override the built-in Istio schemas per kind.
    schemas_dir: str | None = None
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def options_for(self, rule_name: str, defaults: dict[str, Any]) -> dict[str, Any]:
        merged = dict(defaults)
        merged.update(self.rule_options.get(rule_name, {}))
        return merged


@dataclass(frozen=True, slots=True)
class KnownWorkload:
    """A workload the settings declare as existing outside the analysed files."""

    namespace: str  # a glob
    labels: Mapping[str, str]

    @property
    def display(self) -> str:
        labels = ",".join(f"{k}={v}" for k, v in self.labels.items())
        return f"{labels} in namespace {self.namespace!r} (declared in settings)"


@lru_cache(maxsize=8)
def parse_known_workloads(entries: tuple[str, ...]) -> tuple[KnownWorkload, ...]:
    """``known_workloads`` entries, ``namespace/key=value[,key=value]``. The namespace ends at
    the first ``/`` (label keys such as ``app.kubernetes.io/name`` hold one too); an entry
    without a namespace or without a label selects nothing and is left out."""
    known = []
    for entry in entries:
        namespace, slash, labels = entry.partition("/")
        pairs = dict(p.split("=", 1) for p in labels.split(",") if "=" in p and p.strip())
        if slash and namespace and pairs:
            known.append(KnownWorkload(namespace, pairs))
    return tuple(known)
