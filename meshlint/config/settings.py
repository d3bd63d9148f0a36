"""Run settings: what the command line and the config file decide for a run, each declared
once (``meshlint.config.options``).

Rules read ``Settings``, never the command line or a config file themselves; the engine reads
``EngineSettings``. To add a setting, add a field declared with ``option(...)`` to the class
that reads it, then regenerate the config schema and the docs table (see
``meshlint.config.file`` and ``meshlint.outputs.rule_docs``; tests check both are current).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from meshlint.config.options import (
    POSITIVE_NUMBER,
    Kind,
    choice,
    mapping,
    option,
    strings_schema,
)
from meshlint.render import DEFAULT_TIMEOUT

__all__ = ["CURRENT_ISTIO", "SEVERITIES", "EngineSettings", "Settings", "parse_istio_version"]

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


def _existing_file(path: str) -> str | None:
    return None if os.path.isfile(path) else "no such file"


ISTIO_VERSION = Kind(
    "Istio version",
    {"type": "string"},
    lambda value: parse_istio_version(str(value)),
    lambda version: "{}.{}".format(*version),
)
RULE_OPTIONS = mapping({"type": "object"}, "mapping of rule to its options")


@dataclass(frozen=True, slots=True)
class Settings:
    """What the rules read. Each field is one setting, declared once (``option``): its config
    key, its flag (if it has one), its type, default and help."""

    # Production detection: an explicit environment wins over everything else.
    env: str | None = option(
        None,
        "treat every resource as this environment",
        flag="--env",
        flag_help="treat every resource as this environment "
        "(e.g. production, staging), overriding labels and paths",
        doc=(
            "treat every resource as this environment (`production`, `staging`, ...), "
            "overriding labels and paths; see [How production is "
            "detected](resolution.md#how-production-is-detected)"
        ),
    )
    env_label_keys: tuple[str, ...] = option(
        ("env", "environment", "stage", "tier"),
        "labels that name the environment",
        doc="labels whose value names a resource's (or its namespace's) environment",
    )
    # The one list of production values: --env, env labels and namespace-name tokens.
    production_values: tuple[str, ...] = option(
        ("prod", "production", "prd", "live"),
        "values meaning production",
        doc="label values, `--env` values and namespace-name tokens that mean production",
    )
    nonproduction_values: tuple[str, ...] = option(
        (
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
        ),
        "values meaning not prod",
        doc="label values, `--env` values and namespace-name tokens that mean not production",
    )
    production_paths: tuple[str, ...] = option(
        ("**/prod/**", "**/production/**", "**/prd/**"),
        "path globs of production files",
        doc="path globs of files that hold production resources",
    )
    istio_version: tuple[int, int] = option(
        CURRENT_ISTIO,
        "Istio release the mesh runs",
        kind=ISTIO_VERSION,
        flag="--istio-version",
        flag_help="Istio release the mesh runs, e.g. 1.14 (default: current)",
        doc=(
            'the Istio release the mesh runs (quote it: `"1.20"`); changes e.g. what '
            "`weight-sum` says"
        ),
    )
    default_namespace: str = option(
        "default",
        "namespace of resources naming none",
        key="namespace",
        flag="--namespace",
        flag_help="namespace for resources that name none (default: default)",
        doc="namespace for resources that name none",
    )
    cluster_domain: str = option(
        "cluster.local",
        "Kubernetes cluster domain",
        flag="--cluster-domain",
        flag_help="Kubernetes cluster domain (default: cluster.local)",
    )
    root_namespace: str = option(
        "istio-system",
        "Istio's config root namespace",
        doc="Istio's config root namespace where no mesh config in the files sets `rootNamespace`",
    )
    system_namespaces: tuple[str, ...] = option(
        ("kube-*", "istio-system", "istio-operator"),
        "namespaces of the platform",
        doc="namespaces of the platform (globs), whose workloads are not expected in the mesh",
    )
    # The analysed files are everything the cluster holds (a `kubectl get -A -o yaml` dump, or
    # Istio's analyzer tests): what they lack is missing. Otherwise a missing Service or pod is
    # reported only where the files show they manage such things.
    whole_cluster: bool = option(
        False,
        "the files are the whole cluster",
        flag="--whole-cluster",
        flag_help="the files are everything the cluster holds: report what they lack",
        doc=(
            "the files are everything the cluster holds (a `kubectl get -A -o yaml` dump): what"
            " they lack is missing, not deployed from elsewhere (see [How hosts and gateways "
            "are resolved](resolution.md#how-hosts-and-gateways-are-resolved))"
        ),
    )
    # What exists outside the analysed files (globs): "reviews.shop.svc.cluster.local",
    # "*.example.com"; gateways as "namespace/name".
    known_hosts: tuple[str, ...] = option(
        (),
        "hosts that exist outside these files (globs)",
        flag="--known-host",
        metavar="GLOB",
        flag_help="a host that exists outside the analysed files (repeatable)",
        doc="hosts that exist outside the analysed files (globs)",
    )
    known_gateways: tuple[str, ...] = option(
        (),
        "Gateways outside these files (ns/name)",
        flag="--known-gateway",
        metavar="NS/NAME",
        flag_help="a Gateway that exists outside the analysed files (repeatable)",
        doc="Gateways that exist outside the analysed files, as `namespace/name`",
    )
    # A directory of JSON Schemas (<group>/<version>/<kind>.json, as `meshlint schemas
    # import` writes them) that override the built-in Istio schemas per kind.
    schemas_dir: str | None = option(
        None,
        "JSON Schemas overriding the built-in ones",
        key="schemas",
        flag="--schemas",
        metavar="DIR",
        flag_help="JSON Schemas that override the built-in ones per kind "
        "(made with `meshlint schemas import`)",
        relative=True,
        doc=(
            "a directory of JSON Schemas (from `meshlint schemas import`) that override the "
            "built-in ones per kind, relative to the config file (see [Schema "
            "validation](schemas.md))"
        ),
    )
    # Namespaces that exist outside the analysed files (globs).
    known_namespaces: tuple[str, ...] = option(
        (),
        "namespaces outside these files",
        flag="--known-namespace",
        metavar="GLOB",
        flag_help="a namespace that exists outside the analysed files (repeatable)",
        doc="namespaces that exist outside the analysed files (globs)",
    )
    # Workloads that exist outside the analysed files: "namespace/label=value[,label=value]"
    # (the namespace may be a glob). Default: Istio's standard gateways, which the flag adds
    # to (its values are not split at commas: they separate labels).
    known_workloads: tuple[str, ...] = option(
        ("istio-system/istio=ingressgateway", "istio-system/istio=egressgateway"),
        "workloads outside these files (namespace/label=value,...)",
        flag="--known-workload",
        metavar="NS/LABEL=VALUE",
        flag_help="a workload that exists outside the analysed files, as namespace/labels "
        "(repeatable; Istio's istio-system gateways are always known)",
        split=False,
        adds=True,
        doc=(
            "workloads (pods) that exist outside the analysed files, as "
            "`namespace/label=value[,label=value]`; by default Istio's standard ingress and "
            "egress gateways, which the flag adds to"
        ),
    )
    # A mesh config file; see meshlint/facts/meshconfig.py. Relative to the working directory.
    mesh_config_file: str | None = option(
        None,
        "Istio mesh config file",
        key="mesh-config",
        flag="--mesh-config",
        metavar="FILE",
        flag_help="Istio mesh config (MeshConfig YAML, the istio ConfigMap or an "
        "IstioOperator); default: found in the analysed files, else Istio's defaults",
        flag_check=_existing_file,
        doc=(
            "an Istio mesh config file (MeshConfig, the `istio` ConfigMap or an IstioOperator),"
            " relative to the working directory (see [Mesh config](resolution.md#mesh-config))"
        ),
    )
    # Rule name -> {option: value}; the engine checks them against the rules' declarations.
    rule_options: Mapping[str, Mapping[str, Any]] = option(
        {},
        "per-rule options: rule name -> {option: value}",
        key="rules",
        kind=RULE_OPTIONS,
        doc=(
            "per-rule options, `{rule: {option: value}}`, checked against each rule's declared "
            "options (its page lists them, and so does `meshlint rules --format json`)"
        ),
    )

    def options_for(self, rule_name: str, defaults: dict[str, Any]) -> dict[str, Any]:
        merged = dict(defaults)
        merged.update(self.rule_options.get(rule_name, {}))
        return merged


SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """What the engine reads: which files form the context, which rules run, what happens
    to their findings, and how the meshes are found and rendered. Declared like ``Settings``;
    the engine turns them into the run (``meshlint.engine.project``)."""

    paths: tuple[str, ...] | None = option(
        None,
        "manifest roots that form the context (relative to this file)",
        doc=(
            "manifest roots that form the context, relative to the config file (default: the "
            "repository)"
        ),
    )
    exclude: tuple[str, ...] = option(
        (),
        "globs of files never analysed",
        doc=(
            "globs of files never read; a glob without `/` matches a file or directory name "
            "anywhere. Files named on the command line are excluded only with `--force-exclude`"
            " (or `force-exclude: true`)"
        ),
    )
    force_exclude: bool = option(
        False,
        "apply exclude to files named on the command line",
        flag="--force-exclude",
        flag_help="apply the config's exclude globs to files named on the command line too",
        doc="apply `exclude` to files named on the command line too",
    )
    baseline: str | None = option(
        None,
        "baseline file: only findings not in it are reported",
        flag="--baseline",
        metavar="FILE",
        flag_help="report only findings not recorded in FILE",
        relative=True,
        doc=(
            "a baseline file, relative to the config file: only findings that are not in it are"
            " reported (see [Baseline](#baseline))"
        ),
    )
    select: tuple[str, ...] = option(
        (),
        "only these rules: codes, code prefixes, names or ALL",
        flag="--select",
        metavar="RULES",
        flag_help="only these rules: codes, code prefixes (ML1), names or ALL",
        doc="only these rules: by code, code prefix (`ML1`), name, or `ALL`",
    )
    ignore: tuple[str, ...] = option(
        (),
        "skip these rules",
        flag="--ignore",
        metavar="RULES",
        flag_help="skip these rules (codes, prefixes or names)",
        doc="skip these rules: by code, code prefix (`ML1`), name, or `ALL`",
    )
    preview: bool = option(
        False,
        "also run the rules in preview (see `meshlint rules`)",
        flag="--preview",
        flag_help="also run the rules in preview (without it, a preview rule runs only when "
        "--select names its code or name)",
        doc=(
            "also run the rules in preview; without it, a preview rule runs only when `select` "
            "names its code or name (see [Rules](rules/index.md))"
        ),
    )
    fix: bool = option(
        False,
        "apply the safe fixes in place, then report what remains",
        flag="--fix",
        doc=(
            "apply the safe fixes in place, then report what remains (see "
            "[Automatic fixes](fixes.md)); `--diff` shows them instead"
        ),
    )
    unsafe_fixes: bool = option(
        False,
        "also apply the fixes that may change what the mesh does",
        flag="--unsafe-fixes",
        flag_help="with --fix or --diff, also apply the fixes that may change what the mesh does",
        doc="with `fix` (or `--diff`), also apply the fixes that may change what the mesh does",
    )
    fail_on: str = option(
        "warning",
        "lowest severity that fails the run",
        kind=choice(*SEVERITIES, "never"),
        flag="--fail-on",
        flag_help="lowest severity that makes the exit status 1 (default: warning)",
        doc="lowest severity that makes the exit status 1",
    )
    severity: Mapping[str, str] = option(
        {},
        "severity per rule name, code or prefix",
        kind=mapping({"enum": list(SEVERITIES)}, "mapping of rule to severity"),
        doc="`{rule or prefix: error/warning/info}`; a rule's own entry wins over a prefix",
    )
    per_file_ignores: Mapping[str, Sequence[str]] = option(
        {},
        "glob -> rules not reported for the files it matches",
        kind=mapping(strings_schema(minItems=1), "mapping of glob to rules"),
        doc="`{glob: [rules]}`: those rules are not reported for matching files",
    )
    meshes: tuple[str, ...] = option(
        (),
        "globs of directories, each match one mesh (relative to this file)",
        doc=(
            "globs of directories, each match one mesh (`clusters/*`, `envs/*/istio`), relative"
            " to the config file; see [Repositories with several meshes](repositories.md)"
        ),
    )
    shared: tuple[str, ...] = option(
        (),
        "globs of directories read as context by every mesh",
        doc=(
            "globs of directories read as context by every mesh (common namespaces, a platform "
            "directory)"
        ),
    )
    render: bool = option(
        True,
        "render kustomizations and Helm charts (default true)",
        flag="--no-render",
        flag_value=False,
        flag_help="do not run kustomize or Helm: kustomizations and charts are reported as "
        "not rendered and their sources are not analysed",
        doc="render kustomizations and Helm charts; `false` is `--no-render`",
    )
    kustomize_command: str | None = option(
        None,
        "renderer of kustomizations (default: kustomize build, else kubectl kustomize)",
        doc=(
            "the renderer of kustomizations (default: `kustomize build`, else `kubectl kustomize`)"
        ),
    )
    helm_command: str | None = option(
        None,
        "renderer of Helm charts (default: helm)",
        doc="the renderer of Helm charts (default: `helm`)",
    )
    helm_values: Mapping[str, Sequence[str]] = option(
        {},
        "chart directory -> values files passed to helm template (relative to this file)",
        kind=mapping(strings_schema(), "mapping of chart to values files"),
        doc=(
            "`{chart directory glob: [values files]}` passed to `helm template` besides the "
            "chart's own values, relative to the config file"
        ),
    )
    render_timeout: float = option(
        DEFAULT_TIMEOUT,
        "seconds one render may take (default 60)",
        kind=POSITIVE_NUMBER,
        doc="seconds one render may take",
    )


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
