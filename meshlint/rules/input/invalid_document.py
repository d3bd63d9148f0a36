"""A document that is not a Kubernetes object: a bare scalar (often the remains of a broken
indent or a heredoc), a list of resources without `kind: List`, or a mapping whose `kind` or
`apiVersion` is missing or not a string. kubectl refuses such a document, so whatever it was
meant to configure never reaches the cluster, and meshlint cannot check it either. Empty
documents (a trailing `---`) are fine, and so are mappings with neither field, which are other
YAML files (Helm values, CI configuration).

## Bad

```yaml
apiVersion: networking.istio.io/v1
metadata:
  name: reviews
spec:
  hosts: [reviews]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.loader import SourceFile
from meshlint.input.resources import document_objects, positioned_object
from meshlint.input.yamlpos import locate
from meshlint.rules.base import Rule, report_at

RULE = Rule(
    code="ML009",
    name="invalid-document",
    severity=Severity.ERROR,
    summary="A document is a scalar, a bare list of resources, or lacks a string kind or "
    "apiVersion.",
)

_TYPE_FIELDS = ("apiVersion", "kind")


def _problem(value: object) -> tuple[tuple[object, ...], str] | None:
    """``(path, message)`` for a document (or List item) that cannot be an object."""
    if value is None:
        return None
    if isinstance(value, list):
        if any(isinstance(item, dict) and "kind" in item for item in value):
            return (), (
                "a list of resources at the top of a document; kubectl expects one object "
                "per document. Separate them with `---` or wrap them in `kind: List`"
            )
        return None  # JSON patches and other lists are not manifests
    if not isinstance(value, dict):
        text = str(value)
        shown = text if len(text) <= 40 else text[:37] + "..."
        return (), (
            f"document is a single value ({shown!r}), not a Kubernetes object; check the "
            "indentation or remove it"
        )
    present = [key for key in _TYPE_FIELDS if key in value]
    for key in present:
        if not isinstance(value[key], str) or not value[key].strip():
            return (key,), f"{key} must be a non-empty string, e.g. `{key}: {_EXAMPLE[key]}`"
    if len(present) == 1:
        missing = "kind" if present == ["apiVersion"] else "apiVersion"
        return (), f"{missing} is missing; kubectl cannot tell what this object is. Add it."
    if not present and "metadata" in value and "spec" in value:
        return (), (
            "this looks like a Kubernetes object (metadata and spec) but has no apiVersion "
            "or kind. Add them."
        )
    return None


_EXAMPLE = {"apiVersion": "networking.istio.io/v1", "kind": "VirtualService"}


def _check_source(source: SourceFile) -> Iterator[Finding]:
    for document in source.documents:
        for value, item in document_objects(document.value):
            found = _problem(value)
            if found is not None:
                path, message = found
                positioned, *start = positioned_object(source, document.index, item)
                line, column = locate(positioned, path, tuple(start))
                yield report_at(RULE, source.path, line, column, message)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for source in mesh.sources:
        yield from _check_source(source)
