"""Where the report goes: several formats in one run, each to standard output or a file.

The pairing rule: ``--format`` may be repeated, and an ``--output FILE`` belongs to the
``--format`` right before it; a ``--format`` with no ``--output`` writes to standard output
(as does ``--output -``). So ``--format sarif --output meshlint.sarif --format text`` writes
SARIF to the file and text to the terminal. Without ``--format`` the report is text on
standard output. Rejected as ambiguous (exit 2): an ``--output`` before any ``--format``, two
``--output`` after one ``--format``, two formats on standard output, one file named twice.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import TextIO

from meshlint.engine.report import Report
from meshlint.outputs import FOR_PEOPLE, FORMATS, renderer, statistics

__all__ = ["Output", "add_arguments", "plan", "write_reports"]

STDOUT = "-"


@dataclass(frozen=True, slots=True)
class Output:
    format: str
    file: str | None = None  # None (no --output) or "-": standard output

    @property
    def to_stdout(self) -> bool:
        return self.file in (None, STDOUT)


class _FormatAction(argparse.Action):
    def __call__(self, parser, namespace, value, option_string=None):
        outputs = list(getattr(namespace, self.dest) or [])
        setattr(namespace, self.dest, [*outputs, Output(value)])


class _OutputAction(argparse.Action):
    def __call__(self, parser, namespace, value, option_string=None):
        outputs = list(getattr(namespace, self.dest) or [])
        if not outputs:
            parser.error(
                f"--output {value} must follow the --format it is for "
                f"(e.g. --format sarif --output {value})"
            )
        if outputs[-1].file is not None:
            parser.error(
                f"two --output files ({outputs[-1].file}, {value}) for one "
                f"--format {outputs[-1].format}; repeat --format for each file"
            )
        setattr(namespace, self.dest, [*outputs[:-1], Output(outputs[-1].format, value)])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--format``, ``--output`` (collected in order into ``args.outputs``), ``--statistics``."""
    parser.add_argument(
        "--format",
        dest="outputs",
        action=_FormatAction,
        choices=tuple(FORMATS),
        help="output format, repeatable: " + ", ".join(FORMATS) + " (default: text)",
    )
    parser.add_argument(
        "--output",
        dest="outputs",
        action=_OutputAction,
        metavar="FILE",
        help="write the --format just before this option to FILE instead of standard output",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print the number of findings per rule after the report "
        "(on standard error when standard output carries a machine format)",
    )


def plan(outputs: list[Output] | None) -> list[Output]:
    """The outputs of a run, checked; raises ``ValueError`` for ambiguous combinations."""
    outputs = outputs or [Output("text")]
    on_stdout = [o.format for o in outputs if o.to_stdout]
    if len(on_stdout) > 1:
        raise ValueError(
            f"formats {', '.join(on_stdout)} would all go to standard output; "
            "give all but one an --output FILE"
        )
    seen: dict[str, str] = {}
    for output in outputs:
        if output.to_stdout:
            continue
        key = os.path.normcase(os.path.abspath(output.file))
        if key in seen:
            raise ValueError(
                f"--output {output.file} is named for both --format {seen[key]} "
                f"and --format {output.format}"
            )
        seen[key] = output.format
    return outputs


def write_reports(
    report: Report,
    outputs: list[Output],
    stdout: TextIO,
    stderr: TextIO,
    colour: bool = False,
    with_statistics: bool = False,
) -> None:
    """Render every output; ``colour`` applies only to a format for people on stdout.
    Raises ``OSError`` when a file cannot be written."""
    for output in outputs:
        render = renderer(output.format)
        if output.to_stdout:
            render(report, stdout, colour and output.format in FOR_PEOPLE)
            continue
        with open(output.file, "w", encoding="utf-8") as stream:
            render(report, stream, False)
    if with_statistics:
        machine_on_stdout = any(o.to_stdout and o.format not in FOR_PEOPLE for o in outputs)
        statistics.render(report, stderr if machine_on_stdout else stdout)
