"""Command line: ``meshlint [PATHS...]``, ``meshlint rules``, ``meshlint explain RULE``.

``main(argv) -> int`` never calls ``sys.exit`` so tests can run it in-process.
Exit status: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage error
or internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from meshlint import __version__
from meshlint.cli.flags import add_flags, flag_options, given
from meshlint.config.file import ConfigError
from meshlint.config.settings import EngineSettings, Settings
from meshlint.engine.analyse import analyse_files
from meshlint.engine.baseline import BaselineError, write_baseline
from meshlint.engine.parallel import default_jobs
from meshlint.engine.project import prepare
from meshlint.engine.report import Report
from meshlint.engine.run import Run
from meshlint.engine.verdict import fingerprint_key
from meshlint.findings import FixSafety, Severity
from meshlint.input.cache import default_cache_dir
from meshlint.input.yamlpos import Limits
from meshlint.outputs import destinations as outputs
from meshlint.outputs.progress import LoadProgress
from meshlint.outputs.rule_docs import rule_page
from meshlint.rules import RULES, Rule, find_rule

__all__ = ["console_main", "main"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # raise instead of exiting, so main() returns 2
        raise _UsageError(f"{self.prog}: error: {message}")


def _check_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="meshlint",
        description="Lint Istio service-mesh configuration. Subcommands: "
        "`meshlint rules` lists the rules, `meshlint explain RULE` documents one, "
        "`meshlint rules test FILE...` runs the examples of policy files, "
        "`meshlint meshes` lists the meshes (environments, overlays, charts) found, "
        "`meshlint graph` draws each mesh's graph, "
        "`meshlint schemas import CRD.yaml...` converts CRDs to JSON Schemas.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        default=[],
        metavar="PATH",
        help="files or directories to report on; - reads standard input (default: the "
        "configured paths, or .). The whole repository (or the configured paths) is read as "
        "context, so cross-file references resolve",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="config file (default: the nearest .meshlint.yaml "
        "or pyproject.toml with [tool.meshlint], looking up from the working directory)",
    )
    add_flags(parser, flag_options(EngineSettings, "force_exclude", "baseline"))
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record the current findings in FILE (for --baseline) and exit 0",
    )
    outputs.add_arguments(parser)
    add_flags(
        parser, flag_options(EngineSettings, "select", "ignore", "rules_dirs", "preview", "fix")
    )
    parser.add_argument(
        "--diff",
        action="store_true",
        help="print the fixes as a unified diff and change nothing (exit 1 when there is "
        "something to fix)",
    )
    add_flags(parser, flag_options(EngineSettings, "unsafe_fixes", "fail_on"))
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when there are findings (same as --fail-on never)",
    )
    add_flags(parser, flag_options(Settings))
    limits = Limits()
    parser.add_argument(
        "--max-file-size",
        type=_size,
        default=limits.max_file_size,
        metavar="SIZE",
        help="skip and report larger files; bytes or e.g. 20M, 1G "
        f"(default: {limits.max_file_size // 2**20}M)",
    )
    parser.add_argument(
        "--max-documents",
        type=_positive,
        default=limits.max_documents_per_file,
        metavar="N",
        help=f"documents read per file (default: {limits.max_documents_per_file})",
    )
    parser.add_argument(
        "--max-nodes",
        type=_positive,
        default=limits.max_nodes_per_document,
        metavar="N",
        help="YAML nodes per document, counting alias expansions "
        f"(default: {limits.max_nodes_per_document})",
    )
    add_flags(parser, flag_options(EngineSettings, "render"))
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="where parsed files are cached (default: $MESHLINT_CACHE_DIR or .meshlint_cache)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="run the rules in N processes on large meshes (default: the number of cores; "
        "1 disables)",
    )
    parser.add_argument("--debug", action="store_true", help="print tracebacks of internal errors")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


def _size(text: str) -> int:
    """``1048576``, ``512K``, ``20M``, ``1G`` (also ``20MB``, ``20MiB``) -> bytes."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMG]?)(?:I?B)?\s*", text.upper())
    if not match or int(match[1]) < 1:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 20M)")
    return int(match[1]) * _UNITS[match[2]]


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(
        max_file_size=args.max_file_size,
        max_documents_per_file=args.max_documents,
        max_nodes_per_document=args.max_nodes,
    )


def _cache_dir(args: argparse.Namespace) -> Path | None:
    if args.no_cache:
        return None
    return Path(args.cache_dir) if args.cache_dir else default_cache_dir()


def _use_colour(stream: TextIO, disabled: bool) -> bool:
    if disabled or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _check(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    args = _check_parser().parse_args(argv)
    if args.version:
        stdout.write(f"meshlint {__version__}\n")
        return EXIT_OK
    if args.fix and args.diff:
        raise _UsageError("meshlint: error: --fix and --diff exclude each other")
    try:
        overrides = given(args, (*flag_options(EngineSettings), *flag_options(Settings)))
        if args.write_baseline:
            overrides["baseline"] = None  # the baseline is being written, not read
        run = prepare(
            args.paths,
            config_file=args.config,
            overrides=overrides,
            limits=_limits(args),
            cache_dir=_cache_dir(args),
            jobs=args.jobs if args.jobs is not None else default_jobs(),
        )
        plan = outputs.plan(args.outputs)
    except (ConfigError, BaselineError, ValueError) as error:
        raise _UsageError(f"meshlint: error: {error}") from None
    for warning in run.warnings:
        stderr.write(f"meshlint: warning: {warning}\n")

    def lint() -> Report:
        with LoadProgress(stderr) as progress:
            return analyse_files(list(run.workspace.files), run, progress)

    fixing = args.diff or (run.fix and not args.write_baseline)
    if fixing and "-" in args.paths:
        raise _UsageError("meshlint: error: --fix and --diff edit files, not standard input")
    if args.diff:
        from meshlint.cli.fixing import show_diff

        return EXIT_FINDINGS if show_diff(lint(), run.unsafe_fixes, stdout, stderr) else EXIT_OK
    if fixing:
        from meshlint.cli.fixing import apply_fixes

        report = apply_fixes(lint, run.unsafe_fixes, stderr)
    else:
        report = lint()
    if args.write_baseline:
        return _write_baseline(args.write_baseline, report, run, stderr)
    colour = _use_colour(stdout, args.no_color)
    try:
        outputs.write_reports(report, plan, stdout, stderr, colour, args.statistics)
    except OSError as error:
        raise _UsageError(
            f"meshlint: error: cannot write {error.filename}: {error.strerror}"
        ) from None
    if args.debug:
        for text in report.tracebacks:
            stderr.write(text)
    if report.internal_errors:
        return EXIT_ERROR
    if args.exit_zero or run.fail_on == "never":
        return EXIT_OK
    threshold = Severity.parse(run.fail_on)
    return EXIT_FINDINGS if any(f.severity >= threshold for f in report.findings) else EXIT_OK


def _write_baseline(path: str, report: Report, run: Run, stderr: TextIO) -> int:
    relative = run.workspace.relative
    key = fingerprint_key(report.sources, relative)
    count = write_baseline(Path(path), report.findings, key, relative)
    stderr.write(f"meshlint: wrote {count} finding(s) to the baseline {path}\n")
    return EXIT_ERROR if report.internal_errors else EXIT_OK


def _rule_dict(rule: Rule) -> dict:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": str(rule.severity),
        "summary": rule.summary,
        "group": str(rule.group),
        "refs": list(rule.refs),
        "options": rule.defaults,
        "fix": str(rule.fix),
        "default": "on" if rule.enabled_by_default else "off",
        "origin": rule.origin,
    }


def _catalog_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="config file naming rules-dirs")
    parser.add_argument(
        "--rules", action="append", metavar="DIR", help="also load the policies in DIR"
    )


def _known_rules(args: argparse.Namespace) -> tuple[Rule, ...]:
    """The registered rules and the policies of the config's ``rules-dirs`` and ``--rules``."""
    from meshlint.config.file import find_config
    from meshlint.engine.rule_keys import load_project

    try:
        path = Path(args.config) if args.config else find_config(Path.cwd())
        _, declared = load_project(path, args.rules or ())
    except ConfigError as error:
        raise _UsageError(f"meshlint: error: {error}") from None
    return (*RULES, *declared)


def _rules(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    if argv and argv[0] == "test":
        from meshlint.cli.policy_tests import rules_test_command

        return rules_test_command(argv[1:], stdout, stderr, _Parser)
    parser = _Parser(
        prog="meshlint rules",
        description="List meshlint's rules (`meshlint rules test FILE...` runs the examples "
        "of policy files).",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--no-color", action="store_true")
    _catalog_arguments(parser)
    args = parser.parse_args(argv)
    known = _known_rules(args)
    if args.format == "json":
        json.dump([_rule_dict(r) for r in known], stdout, indent=2)
        stdout.write("\n")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    colour = _use_colour(stdout, args.no_color)
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("Code", "Name", "Severity", "Group", "Fix", "Refs", "Summary"):
        table.add_column(column, no_wrap=column != "Summary")
    for rule in known:
        fix = "" if rule.fix is FixSafety.NONE else str(rule.fix)
        group = str(rule.group) if rule.enabled_by_default else f"{rule.group}, off"
        row = (rule.code, rule.name, str(rule.severity), group, fix, " ".join(rule.refs))
        table.add_row(*row, rule.summary)
    Console(
        file=stdout,
        no_color=not colour,
        color_system="auto" if colour else None,
        width=None if colour else 160,
        highlight=False,
    ).print(table)
    return EXIT_OK


def _explain(argv: Sequence[str], stdout: TextIO) -> int:
    parser = _Parser(prog="meshlint explain", description="Show a rule's documentation.")
    parser.add_argument("rule", metavar="NAME-OR-CODE")
    _catalog_arguments(parser)
    args = parser.parse_args(argv)
    rule = find_rule(args.rule, _known_rules(args))
    if rule is None:
        raise _UsageError(f"meshlint explain: unknown rule {args.rule!r} (see `meshlint rules`)")
    stdout.write(rule_page(rule))
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        if argv and argv[0] == "rules":
            return _rules(argv[1:], stdout, stderr)
        if argv and argv[0] == "explain":
            return _explain(argv[1:], stdout)
        if argv and argv[0] == "meshes":
            from meshlint.cli.meshes import meshes_command

            return meshes_command(argv[1:], stdout, _Parser)
        if argv and argv[0] == "graph":
            from meshlint.cli.graph import graph_command

            return graph_command(argv[1:], stdout, stderr, _Parser)
        if argv and argv[0] == "schemas":
            from meshlint.schemas.command import schemas_command

            return schemas_command(argv[1:], stdout, stderr, _Parser)
        return _check(argv, stdout, stderr)
    except _UsageError as error:
        stderr.write(f"{error}\n")
        return EXIT_ERROR
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0)


def console_main() -> None:
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(EXIT_ERROR)
