"""A run's plan: the config file and the command line combined into what to read, what to
report on, which rules run with which settings, and what happens to their findings.

Command-line options override the config file; the config file overrides the defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from meshlint.config.file import Config, build_engine_settings, build_settings, find_config
from meshlint.config.settings import EngineSettings
from meshlint.engine.baseline import read_baseline
from meshlint.engine.rule_keys import load_project_config
from meshlint.engine.run import Run
from meshlint.engine.verdict import Policy
from meshlint.findings import Severity
from meshlint.input.cache import ParseCache
from meshlint.input.workspace import Workspace, find_repo_root, path_matcher, plan, relative_to
from meshlint.input.yamlpos import Limits
from meshlint.layout import LayoutOptions
from meshlint.rules import deprecation_warnings, enabled_rules, select_rules

__all__ = ["prepare"]


def prepare(
    paths: list[str],
    *,
    config_file: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    limits: Limits = Limits(),
    cache_dir: Path | None = None,
    jobs: int = 1,
) -> Run:
    """The run for ``paths``: the config file (``config_file``, else the nearest one) with
    the command line's ``overrides`` (config key -> value; None: not given) over it, parsed
    within ``limits``, cached in ``cache_dir`` (None: no cache), the rules of large meshes
    shared among ``jobs`` processes. Raises ``ConfigError``, ``BaselineError`` or
    ``ValueError`` (an unknown rule) for the command line to report."""
    overrides = overrides or {}
    cwd = Path.cwd()
    config = load_project_config(Path(config_file) if config_file else find_config(cwd))
    options = build_engine_settings(config, overrides)
    repository = find_repo_root(cwd)
    root = config.root or repository or cwd
    if paths and not any(_inside(root, p) for p in paths):
        context = []  # every path is outside the project: those paths are the whole input
    elif paths and config.root is None and repository is None:
        context = []  # no project at all: the named paths are the whole input
    elif config.root and options.paths is not None:
        context = [os.path.join(config.root, p) for p in options.paths]
    else:
        context = [str(root)]
    workspace = plan(
        paths, context, root, exclude=options.exclude, force_exclude=options.force_exclude
    )
    rules = enabled_rules(options.select, options.ignore, preview=options.preview)
    policy = Policy(
        scope=workspace.scope if paths else _scope_of_defaults(workspace, context, root),
        severity=_severities(options.severity),
        per_file_ignores=tuple(
            (path_matcher(root, [glob]), frozenset(r.code for r in select_rules(tokens)), glob)
            for glob, tokens in options.per_file_ignores.items()
        ),
        baseline=read_baseline(Path(options.baseline)) if options.baseline else None,
        relative=lambda file: relative_to(root, file),
    )
    return Run(
        settings=build_settings(config, overrides),
        rules=rules,
        policy=policy,
        layout=_layout(config, root, options, cache_dir, jobs),
        limits=limits,
        cache=ParseCache(cache_dir, limits) if cache_dir is not None else None,
        jobs=jobs,
        workspace=workspace,
        fail_on=options.fail_on,
        fix=options.fix,
        unsafe_fixes=options.unsafe_fixes,
        warnings=tuple(deprecation_warnings(options.select)),
    )


def _layout(
    config: Config, root: Path, options: EngineSettings, cache_dir: Path | None, jobs: int
) -> LayoutOptions:
    """The ``meshes``, ``shared`` and render options. Globs and values files are relative to
    the config file's directory."""
    base = config.root or root
    return LayoutOptions(
        root=base,
        meshes=options.meshes,
        shared=options.shared,
        render=options.render,
        kustomize_command=options.kustomize_command,
        helm_command=options.helm_command,
        helm_values=tuple(
            (chart, tuple(str(base / f) for f in files))
            for chart, files in options.helm_values.items()
        ),
        render_timeout=options.render_timeout,
        cache_dir=cache_dir,
        jobs=max(1, jobs),
    )


def _inside(root: Path, path: str) -> bool:
    if path == "-":
        return False
    relative = os.path.relpath(os.path.abspath(path), root)
    return relative != ".." and not relative.startswith(".." + os.sep)


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


def _severities(overrides: Mapping[str, str]) -> dict[str, Severity]:
    """Rule code -> severity; a specific rule wins over a prefix that also covers it."""
    chosen = [(select_rules([key]), Severity.parse(value)) for key, value in overrides.items()]
    chosen.sort(key=lambda item: -len(item[0]))
    return {rule.code: severity for rules, severity in chosen for rule in rules}
