"""A Gateway API CRD is installed at a bundle version older than Istio needs.

Istio reads a Gateway API kind only when its CRD is recent enough; with an older bundle
(`gateway.networking.k8s.io/bundle-version`) resources of that kind are not processed at all,
so routes exist in the cluster and do nothing. Upgrade the Gateway API CRDs. The minimum
versions are an option (`minimum_versions`: CRD name -> version; `*` for all others).

## Bad

```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: tlsroutes.gateway.networking.k8s.io
  annotations:
    gateway.networking.k8s.io/bundle-version: v1.2.0
spec:
  group: gateway.networking.k8s.io
  names: {kind: TLSRoute, plural: tlsroutes}
  scope: Namespaced
  versions: [{name: v1alpha2, served: true, storage: true}]
```

## Good

```yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: tlsroutes.gateway.networking.k8s.io
  annotations:
    gateway.networking.k8s.io/bundle-version: v1.5.0
spec:
  group: gateway.networking.k8s.io
  names: {kind: TLSRoute, plural: tlsroutes}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
```

## Differences from Istio and Kiali

meshlint knows the minimum bundle version of TLSRoute (1.5.0); others can be added with
the `minimum_versions` option.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshlint.config.options import MAPPING, rule_option
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import Kind
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML809",
    name="gateway-api-crd-version",
    severity=Severity.WARNING,
    summary="A Gateway API CRD bundle version below the minimum Istio requires.",
    kinds=("CustomResourceDefinition",),
    refs=("IST0176",),
    options=(
        rule_option(
            "minimum_versions",
            {"tlsroutes.gateway.networking.k8s.io": "1.5.0"},
            MAPPING,
            "the lowest bundle version Istio needs, by CRD name ('*': any other CRD)",
        ),
    ),
)

CRD = Kind("apiextensions.k8s.io", "CustomResourceDefinition")
BUNDLE = "gateway.networking.k8s.io/bundle-version"


def _version(text: object) -> tuple[int, ...] | None:
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?", str(text).strip())
    return tuple(int(g or 0) for g in match.groups()) if match else None


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    minimums = options.get("minimum_versions")
    if not isinstance(minimums, dict):
        return
    for crd in mesh.of_type(CRD):
        if not crd.name.endswith(".gateway.networking.k8s.io") or BUNDLE not in crd.annotations:
            continue
        wanted = minimums.get(crd.name, minimums.get("*"))
        have, need = _version(crd.annotations[BUNDLE]), _version(wanted)
        if have is None or need is None or have >= need:
            continue
        message = (
            f"Gateway API CRD {crd.name!r} is at bundle version "
            f"{crd.annotations[BUNDLE]!r} but Istio needs at least {wanted!r}; resources of "
            "this kind are not processed until the CRDs are upgraded"
        )
        yield report(RULE, crd, ("metadata", "annotations", BUNDLE), message)
