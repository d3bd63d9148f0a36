"""`metadata.name`, `metadata.namespace`, labels and annotations must be strings. YAML reads
`name: 123` as a number, `name:` as null and `version: 1` or `canary: true` in labels as a
number and a boolean; the API server rejects such an object ("cannot unmarshal number into Go
struct field"), so it never reaches the cluster and every reference to it dangles. Quote the
value. A kind meshlint models must also have a name, or nothing can refer to it; an
IstioOperator need not (it is an input to `istioctl install`, and Istio's own profiles carry no
metadata).

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: 123
  namespace: shop
  labels:
    version: 2
spec:
  hosts: [reviews]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: "123"
  namespace: shop
  labels:
    version: "2"
spec:
  hosts: [reviews]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML008",
    name="invalid-metadata",
    severity=Severity.ERROR,
    summary="A name, namespace, label or annotation is not a string, or a name is missing.",
)

# Kinds whose objects always need a name; other kinds (kubeconfig `Config`, `Kustomization`)
# are config files that carry apiVersion and kind without metadata.
# An IstioOperator is the input of `istioctl install`, which stores it under its own name
# (installed-state): Istio's profiles (manifests/profiles/*.yaml) have no metadata at all.
_NAMED_KINDS = frozenset(
    kind.kind for kind in vars(K).values() if hasattr(kind, "kind") and kind != K.ISTIO_OPERATOR
)


def _type_name(value: object) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"a string ({value!r})"
    return type(value).__name__


def _check_resource(resource: Resource) -> Iterator[Finding]:
    metadata = resource.body.get("metadata")
    if "metadata" in resource.body and not isinstance(metadata, dict):
        yield report(
            RULE,
            resource,
            ("metadata",),
            f"metadata is {_type_name(metadata)}; it must be a mapping with at least a name",
        )
        return
    metadata = metadata or {}
    name = metadata.get("name")
    if "name" in metadata and not isinstance(name, str):
        yield report(
            RULE,
            resource,
            ("metadata", "name"),
            f"metadata.name is {_type_name(name)}, not a string; the API server rejects it. "
            + ("Quote the value." if not isinstance(name, (dict, list)) else "Give one name."),
        )
    elif name == "" or (
        name is None and "generateName" not in metadata and resource.kind in _NAMED_KINDS
    ):
        path = ("metadata", "name") if "name" in metadata else ("metadata",)
        yield report(
            RULE,
            resource,
            path if "metadata" in resource.body else (),
            f"{resource.kind} has no metadata.name; nothing can refer to it. Name it.",
        )
    namespace = metadata.get("namespace")
    if "namespace" in metadata and (not isinstance(namespace, str) or not namespace):
        yield report(
            RULE,
            resource,
            ("metadata", "namespace"),
            f"metadata.namespace is {_type_name(namespace) if namespace != '' else 'empty'}; "
            "write a namespace name, or leave the field out",
        )
    for section in ("labels", "annotations"):
        values = metadata.get(section)
        if section in metadata and values is not None and not isinstance(values, dict):
            yield report(
                RULE,
                resource,
                ("metadata", section),
                f"metadata.{section} is {_type_name(values)}; it must be a mapping of strings",
            )
            continue
        for key, value in (values or {}).items():
            # A null value decodes to "" in the API server, so only other types are errors.
            if value is not None and not isinstance(value, str):
                yield report(
                    RULE,
                    resource,
                    ("metadata", section, key),
                    f"{section[:-1]} {key!r} is {_type_name(value)}, not a string; the API "
                    f'server rejects it. Quote the value (`{key}: "..."`).',
                )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for resource in mesh.resources:
        yield from _check_resource(resource)
