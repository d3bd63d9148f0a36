"""``meshlint graph [PATHS]``: the mesh graph meshlint builds from the files, drawn per mesh
(the same meshes and report scope as a normal run) with each finding on the node or edge it
concerns. Kiali draws a live cluster; this draws what the files would make of one.

Exit status: 0, whatever the findings (the graph shows them; a normal run judges them);
2 for a usage error or a rule that failed.
"""

from __future__ import annotations

import argparse
import importlib
import os
from collections.abc import Sequence
from typing import TextIO

from meshlint.cli.flags import add_flags, flag_options, given
from meshlint.config.file import ConfigError
from meshlint.config.settings import EngineSettings, Settings
from meshlint.engine.meshes import analyse_meshes
from meshlint.engine.project import prepare
from meshlint.input.loader import load_files
from meshlint.outputs.graph.build import build_view
from meshlint.outputs.graph.model import Filters

__all__ = ["FORMATS", "graph_command"]

FORMATS = ("tree", "mermaid", "dot", "json")


def _setting_options() -> tuple:
    """The flags of a normal run that change what is found (rule selection, rendering, the
    analysis settings), so the graph shows the findings a run with them reports. The
    setting ``--namespace`` (for resources naming none) is left out: here ``--namespace``
    filters; its config key ``namespace`` still applies."""
    engine = flag_options(EngineSettings, "select", "ignore", "preview", "render")
    analysis = tuple(o for o in flag_options(Settings) if o.flag != "--namespace")
    return (*engine, *analysis)


def graph_command(
    argv: Sequence[str],
    stdout: TextIO,
    stderr: TextIO,
    parser_class: type[argparse.ArgumentParser],
) -> int:
    parser = parser_class(
        prog="meshlint graph",
        description="Draw the mesh graph of each mesh (environment, overlay, chart): gateways, "
        "VirtualServices, routes with their real weights, hosts, DestinationRules, subsets "
        "and workloads, with the findings on what they concern.",
    )
    parser.add_argument("paths", nargs="*", default=[], metavar="PATH")
    parser.add_argument("--config", metavar="FILE")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="tree",
        help="tree (for people, the default), mermaid (a flowchart for a pull request), "
        "dot (Graphviz) or json (node-link, see docs/graph.md)",
    )
    parser.add_argument(
        "--namespace",
        metavar="NS",
        help="only VirtualServices in NS or bound to a Gateway in NS",
    )
    parser.add_argument(
        "--host",
        metavar="GLOB",
        help="only VirtualServices whose hosts or destination hosts match GLOB",
    )
    parser.add_argument("--gateway", metavar="NS/NAME", help="only what the Gateway NS/NAME binds")
    parser.add_argument("--no-color", action="store_true", help="never colour the output")
    options = _setting_options()
    add_flags(parser, options)
    args = parser.parse_args(argv)
    if args.gateway is not None and args.gateway.count("/") != 1:
        parser.error(f"--gateway {args.gateway}: expected NAMESPACE/NAME")
    try:
        run = prepare(args.paths, config_file=args.config, overrides=given(args, options))
    except (ConfigError, ValueError) as error:
        parser.error(str(error))
    sources = load_files(list(run.workspace.files), run.limits)
    meshes, tracebacks = analyse_meshes(sources, run)
    filters = Filters(args.namespace, args.host, args.gateway)
    views = [build_view(analysed, filters) for analysed in meshes]
    if filters.active:
        views = [view for view in views if view.nodes]
        if not views:
            stderr.write("meshlint graph: nothing in the meshes matches the filters\n")
    module = importlib.import_module(f"meshlint.outputs.graph.{_MODULES[args.format]}")
    colour = args.format == "tree" and _use_colour(stdout, args.no_color)
    module.render(views, stdout, colour)
    if tracebacks:
        stderr.write(
            f"meshlint graph: {len(tracebacks)} rule(s) failed; their findings may be "
            "missing (run meshlint --debug for the tracebacks)\n"
        )
        return 2
    return 0


_MODULES = {"tree": "tree", "mermaid": "mermaid", "dot": "dot", "json": "json_format"}


def _use_colour(stream: TextIO, disabled: bool) -> bool:
    if disabled or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()
