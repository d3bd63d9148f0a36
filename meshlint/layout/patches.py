"""Patches that replace a whole list of a custom resource.

kustomize merges a strategic-merge patch into a built-in kind by the list keys Kubernetes
declares (containers by ``name``, ...). A custom resource (a DestinationRule, a
VirtualService) has no such keys in kustomize's schema, so a list in the patch *replaces* the
list it patches: an overlay that "adds" subset ``v2`` to a DestinationRule leaves only ``v2``,
and every route to ``v1`` gets 503 in that environment alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from meshlint.input.loader import SourceFile
from meshlint.input.resources import field_path
from meshlint.input.yamlpos import locate_key
from meshlint.layout.origins import find_object, node_at
from meshlint.layout.units import Note, NoteKind

__all__ = ["BUILTIN_GROUPS", "replaced_lists"]

# API groups whose kinds kustomize knows the merge keys of.
BUILTIN_GROUPS = frozenset(
    {
        "",
        "apps",
        "batch",
        "autoscaling",
        "policy",
        "networking.k8s.io",
        "rbac.authorization.k8s.io",
        "storage.k8s.io",
        "scheduling.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "node.k8s.io",
        "certificates.k8s.io",
        "events.k8s.io",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "flowcontrol.apiserver.k8s.io",
    }
)


def replaced_lists(
    body: object,
    origin: str | None,
    patches: Sequence[str],
    sources: Mapping[str, SourceFile],
    overlay: str,
) -> list[Note]:
    """Notes for each list of the rendered ``body`` that a patch replaced, dropping items the
    ``origin`` file defined."""
    if not isinstance(body, dict) or origin is None or origin not in sources:
        return []
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return []
    if api_version.rpartition("/")[0] in BUILTIN_GROUPS:
        return []
    metadata = body.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str):
        return []
    base = find_object(sources[origin], kind, name)
    if base is None:
        return []
    notes = []
    for patch_file in patches:
        source = sources.get(patch_file)
        found = find_object(source, kind, name) if source is not None else None
        if found is None or found[0] is base[0]:
            continue
        patch = found[0]
        for path, items in _lists(patch, ()):
            if path[:1] == ("metadata",):
                continue
            rendered, original = node_at(body, path), node_at(base[0], path)
            if not isinstance(original, list) or rendered != items:
                continue
            dropped = _dropped(original, items)
            if not dropped:
                continue
            line, column = locate_key(patch, path) or (found[1])
            notes.append(
                Note(
                    NoteKind.LIST_REPLACED,
                    patch_file,
                    line,
                    column,
                    _message(kind, name, path, dropped, origin, overlay),
                )
            )
    return notes


def _dropped(original: list, replacement: list) -> list:
    """Items of ``original`` the replacement lacks: by ``name`` where items are named (a
    subset changed in place is not dropped), else by value."""
    names = {_name(item) for item in replacement} - {None}
    return [
        item
        for item in original
        if (item not in replacement if _name(item) is None else _name(item) not in names)
    ]


def _name(item: object) -> str | None:
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) else None


def _lists(node: object, path: tuple) -> Iterator[tuple[tuple, list]]:
    """Every list in a patch with its path (lists inside lists are part of their item)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, list):
                yield (*path, key), value
            else:
                yield from _lists(value, (*path, key))


def _message(kind, name, path, dropped, origin, overlay) -> str:
    names = [
        repr(item["name"])
        if isinstance(item, dict) and isinstance(item.get("name"), str)
        else "an item"
        for item in dropped
    ]
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    where = field_path(path)
    return (
        f"this patch replaces the whole `{where}` list of {kind} {name} in {overlay}, dropping "
        f"{shown} defined in {origin}: kustomize merges lists by key only for built-in kinds, "
        "and on a custom resource a list in a strategic-merge patch replaces the original. "
        "Repeat every item to keep, or add items with a JSON 6902 patch "
        f"(`op: add`, `path: /{'/'.join(str(s) for s in path)}/-`)"
    )
