"""Istio's registry of annotations and labels, as the data meshlint ships
(``meshlint/data/annotations.json``, generated from istio/api by ``scripts/gen_annotations.py``),
and the places where Istio reads annotations: the objects its annotation analyzers look at.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from meshlint.facts.graph import WORKLOAD_KINDS, Mesh
from meshlint.input.resources import K, Resource

__all__ = [
    "AnnotatedObject",
    "annotated_objects",
    "annotation_names",
    "is_istio_annotation",
    "istio_annotations",
    "lookup",
    "lookup_label",
    "value_error",
]

DATA = Path(__file__).resolve().parent.parent / "data" / "annotations.json"

# The one annotation outside Istio's domains that Istio documents and so checks.
INGRESS_CLASS = "kubernetes.io/ingress.class"
# The kinds Istio's annotation analyzers read (plus pod templates, which become Pods).
CHECKED_KINDS = (K.NAMESPACE, K.SERVICE, K.POD, K.DEPLOYMENT)
# The kinds ``annotated_objects`` yields: the checked kinds and every pod template.
ANNOTATED_KINDS = tuple(dict.fromkeys((*(k.kind for k in CHECKED_KINDS), *WORKLOAD_KINDS)))


@cache
def _registry() -> dict:
    return json.loads(DATA.read_text())


def lookup(name: str) -> dict | None:
    return _registry()["annotations"].get(name)


def annotation_names() -> list[str]:
    return list(_registry()["annotations"])


def lookup_label(name: str) -> dict | None:
    return _registry()["labels"].get(name)


def is_istio_annotation(name: str) -> bool:
    """Istio owns annotations whose prefix ends in ``istio.io``."""
    if name == INGRESS_CLASS:
        return True
    prefix, slash, _ = name.partition("/")
    return bool(slash) and prefix.endswith("istio.io")


@dataclass(frozen=True, slots=True)
class AnnotatedObject:
    """One metadata block: a resource's own, or a pod template's (``kind`` is then ``Pod``)."""

    resource: Resource
    kind: str
    path: tuple[object, ...]  # to the annotations mapping
    annotations: dict[str, str]
    template: dict | None  # the pod spec holder for Pods and pod templates

    def key_position(self, name: str) -> tuple[int, int]:
        """0-based position of the annotation's key (the name is what is wrong)."""
        path = (*self.path, name)
        return self.resource.locate_key(path) or self.resource.locate(path)

    @property
    def where(self) -> str:
        if self.kind == self.resource.kind:
            return self.resource.display
        return f"the pod template of {self.resource.display}"


def annotated_objects(mesh: Mesh) -> Iterator[AnnotatedObject]:
    for resource in mesh.of_type(*CHECKED_KINDS):
        if resource.annotations:
            template = resource.body if resource.type == K.POD else None
            yield AnnotatedObject(
                resource,
                resource.kind,
                ("metadata", "annotations"),
                resource.annotations,
                template,
            )
    for workload in mesh.workloads:
        if workload.path and workload.annotations:
            yield AnnotatedObject(
                workload.resource,
                "Pod",
                (*workload.path, "metadata", "annotations"),
                workload.annotations,
                workload.template,
            )


def istio_annotations(mesh: Mesh) -> Iterator[tuple[AnnotatedObject, str, dict | None]]:
    """Every annotation in Istio's domains, with its registry entry (None: unknown)."""
    for obj in annotated_objects(mesh):
        for name in obj.annotations:
            if is_istio_annotation(name):
                yield obj, name, lookup(name)


# -- value validation, after Istio's injector (pkg/kube/inject/validate.go) ---------------


def _bool(value: str) -> str | None:
    ok = {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}
    return None if value in ok else "expected a boolean (true or false)"


def _parse_uint(text: str, bits: int) -> int | None:
    """Go's ``strconv.ParseUint(text, 10, bits)``: ASCII digits only, no sign, no spaces."""
    if not text.isascii() or not text.isdigit() or int(text) >= 2**bits:
        return None
    return int(text)


def _uint32(value: str) -> str | None:
    if _parse_uint(value, 32) is not None:
        return None
    return "expected a whole number of seconds or attempts (0 or more)"


def _port(value: str) -> str | None:
    # parsePort: ParseUint(TrimSpace(v), 10, 16); 0 disables the status port.
    if _parse_uint(value.strip(), 16) is not None:
        return None
    return "expected a port number between 0 and 65535"


def _ports(value: str, star: bool = False) -> str | None:
    # parsePorts: the trimmed list, split on ",", each item through parsePort; "" is no ports.
    if star and value == "*":
        return None
    value = value.strip()
    for item in value.split(",") if value else ():
        if _parse_uint(item.strip(), 16) is None:
            return f"{item!r} is not a port number; expected a comma-separated list of ports"
    return None


def _cidrs(value: str, star: bool = False) -> str | None:
    # validateCIDRList: split on ",", each item through netip.ParsePrefix, untrimmed.
    if star and value == "*":
        return None
    for item in value.split(",") if value else ():
        if not _is_prefix(item):
            return f"{item!r} is not an IP range; expected a comma-separated list of CIDRs"
    return None


def _is_prefix(text: str) -> bool:
    """Go's ``netip.ParsePrefix``: an address, "/" and decimal bits; no spaces, no zone."""
    address, slash, bits = text.partition("/")
    if not slash or not bits.isascii() or not bits.isdigit() or "%" in address:
        return False
    if len(bits) > 1 and bits.startswith("0"):
        return False
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return int(bits) <= parsed.max_prefixlen


def _interception(value: str) -> str | None:
    if value in ("REDIRECT", "TPROXY", "NONE"):
        return None
    return "expected REDIRECT, TPROXY or NONE"


def _yaml_map(value: str) -> str | None:
    try:
        parsed = yaml.load(value, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return "not valid YAML; expected a ProxyConfig mapping"
    if parsed is None or isinstance(parsed, dict):
        return None
    return "expected a ProxyConfig mapping"


_CHECKS = {
    "bool": _bool,
    "uint32": _uint32,
    "port": _port,
    "ports": _ports,
    "ports-or-star": lambda v: _ports(v, star=True),
    "cidrs": _cidrs,
    "cidrs-or-star": lambda v: _cidrs(v, star=True),
    "interception-mode": _interception,
    "yaml-map": _yaml_map,
}


def value_error(name: str, value: str) -> str | None:
    """Why ``value`` is not valid for annotation ``name``, or None."""
    entry = lookup(name)
    kind = entry.get("value") if entry else None
    check = _CHECKS.get(kind) if kind else None
    return check(value) if check else None
