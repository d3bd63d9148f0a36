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
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from meshlint import __version__
from meshlint.config.file import ConfigError
from meshlint.config.settings import Settings
from meshlint.engine.analyse import Report, analyse_files
from meshlint.engine.baseline import BaselineError, write_baseline
from meshlint.engine.parallel import default_jobs
from meshlint.engine.project import Run, prepare
from meshlint.engine.verdict import fingerprint_key
from meshlint.findings import Severity
from meshlint.input.cache import ParseCache, default_cache_dir
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


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def _check_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="meshlint",
        description="Lint Istio service-mesh configuration. Subcommands: "
        "`meshlint rules` lists the rules, `meshlint explain RULE` documents one, "
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
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply the config's exclude globs to files named on the command line too",
    )
    parser.add_argument(
        "--baseline", metavar="FILE", help="report only findings not recorded in FILE"
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record the current findings in FILE (for --baseline) and exit 0",
    )
    outputs.add_arguments(parser)
    parser.add_argument(
        "--select",
        action="append",
        metavar="RULES",
        help="only these rules: codes, code prefixes (ML1), names or ALL",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        metavar="RULES",
        help="skip these rules (codes, prefixes or names)",
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help="also run the rules in preview (without it, a preview rule runs only when "
        "--select names its code or name)",
    )
    parser.add_argument(
        "--fail-on",
        choices=("error", "warning", "info", "never"),
        help="lowest severity that makes the exit status 1 (default: warning)",
    )
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when there are findings (same as --fail-on never)",
    )
    parser.add_argument(
        "--env",
        help="treat every resource as this environment "
        "(e.g. production, staging), overriding labels and paths",
    )
    parser.add_argument(
        "--istio-version",
        help="Istio release the mesh runs, e.g. 1.14 (default: current)",
    )
    parser.add_argument(
        "--namespace",
        help="namespace for resources that name none (default: default)",
    )
    parser.add_argument(
        "--cluster-domain",
        help="Kubernetes cluster domain (default: cluster.local)",
    )
    parser.add_argument(
        "--whole-cluster",
        action="store_true",
        default=None,
        help="the files are everything the cluster holds: report what they lack",
    )
    parser.add_argument(
        "--known-host",
        action="append",
        metavar="GLOB",
        help="a host that exists outside the analysed files (repeatable)",
    )
    parser.add_argument(
        "--known-gateway",
        action="append",
        metavar="NS/NAME",
        help="a Gateway that exists outside the analysed files (repeatable)",
    )
    parser.add_argument(
        "--schemas",
        metavar="DIR",
        help="JSON Schemas that override the built-in ones per kind "
        "(made with `meshlint schemas import`)",
    )
    parser.add_argument(
        "--known-namespace",
        action="append",
        metavar="GLOB",
        help="a namespace that exists outside the analysed files (repeatable)",
    )
    parser.add_argument(
        "--known-workload",
        action="append",
        metavar="NS/LABEL=VALUE",
        help="a workload that exists outside the analysed files, as namespace/labels "
        "(repeatable; Istio's istio-system gateways are always known)",
    )
    parser.add_argument(
        "--mesh-config",
        metavar="FILE",
        help="Istio mesh config (MeshConfig YAML, the istio ConfigMap or an IstioOperator); "
        "default: found in the analysed files, else Istio's defaults",
    )
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
    parser.add_argument(
        "--no-render",
        action="store_true",
        help="do not run kustomize or Helm: kustomizations and charts are reported as not "
        "rendered and their sources are not analysed",
    )
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


def _setting_overrides(args: argparse.Namespace) -> dict[str, object]:
    """Command-line values by config key; ``None`` where the option was not given."""
    return {
        "env": args.env,
        "istio-version": args.istio_version,
        "namespace": args.namespace,
        "cluster-domain": args.cluster_domain,
        "whole-cluster": args.whole_cluster,
        "known-hosts": _split(args.known_host) or None,
        "known-gateways": _split(args.known_gateway) or None,
        "schemas": args.schemas,
        "known-namespaces": _split(args.known_namespace) or None,
        "known-workloads": (
            (*Settings().known_workloads, *args.known_workload) if args.known_workload else None
        ),
        "mesh-config": _mesh_config_file(args.mesh_config),
    }


def _mesh_config_file(path: str | None) -> str | None:
    if path is not None and not os.path.isfile(path):
        raise _UsageError(f"meshlint: error: --mesh-config {path}: no such file")
    return path


def _cache_dir(args: argparse.Namespace) -> Path | None:
    if args.no_cache:
        return None
    return Path(args.cache_dir) if args.cache_dir else default_cache_dir()


def _cache(args: argparse.Namespace) -> ParseCache | None:
    directory = _cache_dir(args)
    if directory is None:
        return None
    return ParseCache(directory, _limits(args))  # the limits change what a parse yields


def _use_colour(stream: TextIO, disabled: bool) -> bool:
    if disabled or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _check(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    args = _check_parser().parse_args(argv)
    if args.version:
        stdout.write(f"meshlint {__version__}\n")
        return EXIT_OK
    try:
        run = prepare(
            args.paths,
            config_file=args.config,
            select=_split(args.select),
            ignore=_split(args.ignore),
            fail_on=args.fail_on,
            force_exclude=args.force_exclude,
            baseline=None if args.write_baseline else args.baseline,
            settings=_setting_overrides(args),
            layout={"render": False} if args.no_render else None,
            preview=args.preview,
        )
        plan = outputs.plan(args.outputs)
    except (ConfigError, BaselineError, ValueError) as error:
        raise _UsageError(f"meshlint: error: {error}") from None
    for warning in run.warnings:
        stderr.write(f"meshlint: warning: {warning}\n")
    jobs = args.jobs if args.jobs is not None else default_jobs()
    with LoadProgress(stderr) as progress:
        report = analyse_files(
            list(run.workspace.files),
            run.settings,
            run.rules,
            _limits(args),
            progress=progress,
            cache=_cache(args),
            jobs=jobs,
            policy=run.policy,
            layout=replace(run.layout, cache_dir=_cache_dir(args), jobs=max(1, jobs)),
        )
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
        "options": dict(rule.options),
    }


def _rules(argv: Sequence[str], stdout: TextIO) -> int:
    parser = _Parser(prog="meshlint rules", description="List meshlint's rules.")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--no-color", action="store_true")
    args = parser.parse_args(argv)
    if args.format == "json":
        json.dump([_rule_dict(r) for r in RULES], stdout, indent=2)
        stdout.write("\n")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    colour = _use_colour(stdout, args.no_color)
    table = Table(box=None, pad_edge=False, show_edge=False)
    for column in ("Code", "Name", "Severity", "Group", "Refs", "Summary"):
        table.add_column(column, no_wrap=column != "Summary")
    for rule in RULES:
        row = (rule.code, rule.name, str(rule.severity), str(rule.group), " ".join(rule.refs))
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
    args = parser.parse_args(argv)
    rule = find_rule(args.rule)
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
            return _rules(argv[1:], stdout)
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
