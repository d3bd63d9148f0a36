"""The run: everything one analysis needs, decided before it starts, in one object.

``prepare`` (``meshlint.engine.project``) makes it from the config file and the command line;
``analyse``, ``analyse_files`` and ``analyse_sources`` take it. Tests make one directly, naming
only what they need: ``Run(rules=select_rules(["ML101"]))``.
"""

from __future__ import annotations

from dataclasses import dataclass

from meshlint.config.settings import EngineSettings, Settings
from meshlint.engine.verdict import Policy
from meshlint.input.cache import ParseCache
from meshlint.input.workspace import Workspace
from meshlint.input.yamlpos import Limits
from meshlint.layout import LayoutOptions
from meshlint.rules import DEFAULT_RULES, Rule

__all__ = ["Run"]


@dataclass(frozen=True)
class Run:
    settings: Settings = Settings()  # what the rules read
    rules: tuple[Rule, ...] = DEFAULT_RULES  # the selected rules (default: all but preview)
    # What happens to findings: scope, suppressions, per-file ignores, severities, baseline.
    policy: Policy = Policy()
    layout: LayoutOptions = LayoutOptions()  # how the files form meshes, and rendering
    limits: Limits = Limits()  # what a file may hold before it is refused
    cache: ParseCache | None = None  # parsed files and whole-run results; None: no cache
    jobs: int = 1  # processes the rules of a large mesh are shared among
    # For the command line, not the analysis: the files to read (context and scope), the
    # lowest severity that fails the run, and warnings to print (deprecated rules selected).
    workspace: Workspace | None = None
    fail_on: str = EngineSettings().fail_on
    fix: bool = False  # apply the safe fixes (--fix)
    unsafe_fixes: bool = False  # and the unsafe ones (--unsafe-fixes)
    warnings: tuple[str, ...] = ()
