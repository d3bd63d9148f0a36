"""A run's plan: the config file and the command line combined into what to read, what to
report on, which rules run with which settings, and what happens to their findings.

Command-line options override the config file; the config file overrides the defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from meshlint.config.file import Config, build_settings, find_config, load_config
from meshlint.config.settings import Settings
from meshlint.engine.baseline import read_baseline
from meshlint.engine.verdict import Policy
from meshlint.findings import Severity
from meshlint.input.workspace import Workspace, find_repo_root, path_matcher, plan, relative_to
from meshlint.layout import LayoutOptions
from meshlint.render import DEFAULT_TIMEOUT
from meshlint.rules import Rule, deprecation_warnings, enabled_rules, select_rules

__all__ = ["Run", "prepare"]


@dataclass(frozen=True)
class Run:
    config: Config
    workspace: Workspace
    settings: Settings
    rules: tuple[Rule, ...]
    policy: Policy
    fail_on: str
    layout: LayoutOptions = LayoutOptions()
    warnings: tuple[str, ...] = ()  # for the command line to print (deprecated rules selected)
    known: tuple[Rule, ...] = ()  # every rule the run knows, selected or not (with policies)


def prepare(
    paths: list[str],
    *,
    config_file: str | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: str | None = None,
    force_exclude: bool = False,
    baseline: str | None = None,
    settings: Mapping[str, Any] | None = None,
    layout: Mapping[str, Any] | None = None,
    preview: bool = False,
    rules_dirs: list[str] | None = None,
) -> Run:
    """Raises ``ConfigError``, ``BaselineError`` or ``ValueError`` (an unknown rule) for
    the command line to report. ``rules_dirs`` adds policy directories (``--rules``) to the
    config's ``rules-dirs``."""
    cwd = Path.cwd()
    config = load_config(Path(config_file) if config_file else find_config(cwd), rules_dirs or ())
    known = config.rules
    repository = find_repo_root(cwd)
    root = config.root or repository or cwd
    if paths and not any(_inside(root, p) for p in paths):
        context = []  # every path is outside the project: those paths are the whole input
    elif paths and config.root is None and repository is None:
        context = []  # no project at all: the named paths are the whole input
    elif config.root and "paths" in config.values:
        context = [os.path.join(config.root, p) for p in config.get("paths")]
    else:
        context = [str(root)]
    workspace = plan(
        paths,
        context,
        root,
        exclude=config.get("exclude", ()),
        force_exclude=force_exclude or bool(config.get("force-exclude")),
    )
    chosen = select if select else config.get("select", ())
    rules = enabled_rules(
        chosen,
        ignore if ignore else config.get("ignore", ()),
        preview=preview or bool(config.get("preview")),
        rules=known,
    )
    baseline_file = baseline or _from_root(config, config.get("baseline"))
    policy = Policy(
        scope=workspace.scope if paths else _scope_of_defaults(workspace, context, root),
        severity=_severities(config.get("severity", {}), known),
        per_file_ignores=tuple(
            (
                path_matcher(root, [glob]),
                frozenset(r.code for r in select_rules(tokens, rules=known)),
                glob,
            )
            for glob, tokens in config.get("per-file-ignores", {}).items()
        ),
        declared=config.declared,
        baseline=read_baseline(Path(baseline_file)) if baseline_file else None,
        relative=lambda file: relative_to(root, file),
    )
    return Run(
        config=config,
        workspace=workspace,
        settings=build_settings(config, settings or {}),
        rules=rules,
        policy=policy,
        fail_on=fail_on or config.get("fail-on", "warning"),
        layout=_layout(config, root, layout or {}),
        warnings=tuple(deprecation_warnings(chosen, known)),
        known=known,
    )


def _layout(config: Config, root: Path, overrides: Mapping[str, Any]) -> LayoutOptions:
    """The config's ``meshes``, ``shared`` and render keys; command-line values (not None)
    win. Globs and values files are relative to the config file's directory."""

    def value(key: str, default: Any) -> Any:
        given = overrides.get(key)
        return given if given is not None else config.get(key, default)

    base = config.root or root
    values = config.get("helm-values", {})
    return LayoutOptions(
        root=base,
        meshes=tuple(config.get("meshes", ())),
        shared=tuple(config.get("shared", ())),
        render=bool(value("render", True)),
        kustomize_command=value("kustomize-command", None),
        helm_command=value("helm-command", None),
        helm_values=tuple(
            (chart, tuple(str(base / f) for f in files)) for chart, files in values.items()
        ),
        render_timeout=float(value("render-timeout", DEFAULT_TIMEOUT)),
    )


def _inside(root: Path, path: str) -> bool:
    if path == "-":
        return False
    relative = os.path.relpath(os.path.abspath(path), root)
    return relative != ".." and not relative.startswith(".." + os.sep)


def _from_root(config: Config, path: str | None) -> str | None:
    if path is None or config.root is None:
        return path
    return str(config.root / path)


def _scope_of_defaults(
    workspace: Workspace, context: list[str], root: Path
) -> frozenset[str] | None:
    """Without paths on the command line the scope is the configured ``paths``, or the
    working directory when there are none (the context may reach up to the repository)."""
    if context and context != [str(root)]:
        return None
    here = Path.cwd()
    if here == root:
        return None
    return frozenset(f for f in workspace.files if _inside(here, f))


def _severities(overrides: Mapping[str, str], known: tuple[Rule, ...]) -> dict[str, Severity]:
    """Rule code -> severity; a specific rule wins over a prefix that also covers it."""
    chosen = [
        (select_rules([key], rules=known), Severity.parse(value))
        for key, value in overrides.items()
    ]
    chosen.sort(key=lambda item: -len(item[0]))
    return {rule.code: severity for rules, severity in chosen for rule in rules}
