"""Where schemas come from: the user's ``--schemas`` directory first, then the built-in one.

Both use the layout ``<group>/<version>/<kind>.json`` that ``meshlint schemas import`` writes.
The built-in directory is ``<repo>/schemas`` in a source checkout and
``meshlint/_data/schemas`` in an installed wheel. Schemas and validators are read and compiled
once per process, keyed by directory and group/version/kind.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from meshlint.schemas.convert import schema_path

__all__ = ["builtin_dir", "builtin_index", "find_schema", "read_schema"]

_PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def builtin_dir() -> Path | None:
    """The shipped schemas: the wheel's copy, else the source checkout's."""
    for candidate in (_PACKAGE / "_data" / "schemas", _PACKAGE.parent / "schemas"):
        if candidate.is_dir():
            return candidate
    return None


@lru_cache(maxsize=1)
def builtin_index() -> frozenset[tuple[str, str, str]]:
    """``(group, version, kind in lower case)`` of every shipped schema, from the file names
    alone (nothing is read), so a rule can ask which kinds and versions exist."""
    root = builtin_dir()
    if root is None:
        return frozenset()
    return frozenset(
        ("" if group.name == "core" else group.name, version.name, schema.stem)
        for group in root.iterdir()
        if group.is_dir()
        for version in group.iterdir()
        if version.is_dir()
        for schema in version.glob("*.json")
    )


@lru_cache(maxsize=512)
def read_schema(path: Path) -> dict | None:
    """A schema file's JSON object, or None when it is unreadable or not an object."""
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return schema if isinstance(schema, dict) else None


@lru_cache(maxsize=1024)
def find_schema(
    group: str, version: str, kind: str, user_dir: str | None = None
) -> tuple[Path, dict] | None:
    """``(path, schema)`` for a kind, the user's directory winning over the built-in one."""
    roots = [Path(user_dir)] if user_dir else []
    builtin = builtin_dir()
    if builtin is not None:
        roots.append(builtin)
    for root in roots:
        path = schema_path(root, group, version, kind)
        if path.is_file():
            schema = read_schema(path)
            if schema is not None:
                return path, schema
    return None
