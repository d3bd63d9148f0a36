"""An `exportTo` list Istio refuses: a duplicate entry, `*` or `~` mixed with other entries,
an entry that is not a namespace name, or a workload-specific DestinationRule exported beyond
its namespace.

`exportTo` decides which namespaces see a VirtualService, DestinationRule, ServiceEntry or
(through the `networking.istio.io/exportTo` annotation) a Service: `.` is the own namespace,
`*` every namespace, `~` none (ServiceEntry and Service only), anything else a namespace
name. Istio's webhook refuses `["*", "shop"]` (`*` already means everywhere), `["~", "a"]`,
duplicates (including `.` next to the own namespace's name) and entries that are not
namespace names. A DestinationRule with a `workloadSelector` may only be exported to its own
namespace.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments-api
  namespace: shop
spec:
  hosts: [api.payments.example.com]
  exportTo: [".", "*"]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: payments-api
  namespace: shop
spec:
  hosts: [api.payments.example.com]
  exportTo: ["*"]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.destination_rules import workload_selector
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.istio.dnsnames import is_dns_label
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML528",
    name="invalid-export-to",
    severity=Severity.ERROR,
    summary="An exportTo list with duplicates, '*' or '~' mixed with others, or bad entries.",
    kinds=("VirtualService", "DestinationRule", "ServiceEntry", "Service"),
    refs=("IST0106",),
)

ANNOTATION = "networking.istio.io/exportTo"


def export_problems(
    entries: list[str], namespace: str | None, allow_none: bool, own_namespace_only: bool
) -> Iterator[tuple[int, str]]:
    """``(index, message)`` for each problem of an exportTo list, in Istio's order."""
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        key = namespace if entry == "." and namespace else entry
        if key in seen:
            first = entries[seen[key]]
            how = "is listed twice" if first == entry else f"names the same namespace as {first!r}"
            yield index, f"exportTo entry {entry!r} {how} (entry {seen[key]}); remove one"
            continue
        seen[key] = index
        if entry == "~" and not allow_none:
            yield (
                index,
                (
                    "exportTo '~' (visible nowhere) is only allowed for ServiceEntries and "
                    "Services; use '.' to keep it in its own namespace"
                ),
            )
        elif entry not in (".", "*", "~") and not is_dns_label(entry):
            yield (
                index,
                (
                    f"exportTo entry {entry!r} is not a namespace name, '.', '*' or '~'; "
                    "fix the namespace name"
                ),
            )
    for special, meaning in (("*", "every namespace"), ("~", "no namespace")):
        if special in seen and len(entries) > 1 and (special == "*" or allow_none):
            yield (
                seen[special],
                (
                    f"exportTo {special!r} means {meaning} and cannot be combined with other "
                    f"entries; keep only {special!r} or only the namespaces"
                ),
            )
    if own_namespace_only and seen and set(seen) != {namespace}:
        yield (
            0,
            (
                "a DestinationRule with a workloadSelector can only be exported to its own "
                "namespace; use exportTo: ['.']"
            ),
        )


def _string_list(value: object) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return value


def _check_list(resource: Resource, allow_none: bool, own_only: bool) -> Iterator[Finding]:
    entries = _string_list(resource.spec.get("exportTo"))
    if entries:
        for index, message in export_problems(entries, resource.namespace, allow_none, own_only):
            yield report(RULE, resource, ("spec", "exportTo", index), message)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        yield from _check_list(vs, allow_none=False, own_only=False)
    for rule in mesh.of_type(K.DESTINATION_RULE):
        selector = workload_selector(rule) is not None
        yield from _check_list(rule, allow_none=False, own_only=selector)
    for entry in mesh.of_type(K.SERVICE_ENTRY):
        yield from _check_list(entry, allow_none=True, own_only=False)
    for service in mesh.of_type(K.SERVICE):
        text = service.annotations.get(ANNOTATION)
        if text is None:
            continue
        entries = [part.strip() for part in text.split(",")]
        path = ("metadata", "annotations", ANNOTATION)
        for _, message in export_problems(entries, service.namespace, True, False):
            yield report(RULE, service, path, f"annotation {ANNOTATION}: {message}")
