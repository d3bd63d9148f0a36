"""``meshlint schemas import CRD.yaml... [--out DIR]``: CRDs in, JSON Schemas out.

``-`` reads standard input, so ``kubectl get crd -o yaml | meshlint schemas import -`` turns
a cluster's own CRDs (a ``kind: List``) into a directory for ``meshlint --schemas DIR``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

import yaml

from meshlint.schemas.convert import load_crds, write_schemas

__all__ = ["schemas_command"]

EXIT_OK, EXIT_ERROR = 0, 2


def schemas_command(
    argv: list[str], stdout: TextIO, stderr: TextIO, parser_class: type = argparse.ArgumentParser
) -> int:
    parser = parser_class(
        prog="meshlint schemas",
        description="Manage the JSON Schemas meshlint validates resources against.",
    )
    sub = parser.add_subparsers(dest="action", required=True, parser_class=parser_class)
    importer = sub.add_parser(
        "import",
        help="convert CustomResourceDefinitions to one JSON Schema per group/version/kind",
        description="Convert CustomResourceDefinitions (their openAPIV3Schema) to JSON "
        "Schemas, one per group/version/kind, for `meshlint --schemas DIR`.",
    )
    importer.add_argument("files", nargs="+", metavar="CRD.yaml", help="CRD files; - is stdin")
    importer.add_argument(
        "--out", default="schemas", metavar="DIR", help="output directory (default: schemas)"
    )
    args = parser.parse_args(argv)
    texts = []
    for name in args.files:
        try:
            texts.append(sys.stdin.read() if name == "-" else Path(name).read_text("utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            stderr.write(f"meshlint schemas import: cannot read {name}: {error}\n")
            return EXIT_ERROR
    try:
        crds = load_crds(texts)
    except yaml.YAMLError as error:
        stderr.write(f"meshlint schemas import: invalid YAML: {error}\n")
        return EXIT_ERROR
    out = Path(args.out)
    written = write_schemas(crds, out)
    if not written:
        stderr.write(
            "meshlint schemas import: no CustomResourceDefinition with an openAPIV3Schema "
            "found in the input\n"
        )
        return EXIT_ERROR
    for path in written:
        stdout.write(f"{path}\n")
    stdout.write(f"wrote {len(written)} schemas from {len(crds)} CRDs to {out}\n")
    return EXIT_OK
