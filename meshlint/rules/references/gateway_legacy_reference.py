"""A VirtualService names its Gateway in the legacy `name.namespace` form.

Istio still resolves `my-gateway.istio-ingress` and `my-gateway.istio-ingress.svc.cluster.local`
to the Gateway `istio-ingress/my-gateway`, so traffic works; but the form looks like a host
name, is easy to misread, and other tools report it as a missing gateway. Prefer
`namespace/name`. This is style only, never reported as a dangling gateway.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop
  namespace: shop
spec:
  hosts: [shop.example.com]
  gateways: [shop-gateway.istio-ingress]
  http:
  - route:
    - destination: {host: frontend}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: shop-gateway
  namespace: istio-ingress
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*/shop.example.com"]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop
  namespace: shop
spec:
  hosts: [shop.example.com]
  gateways: [istio-ingress/shop-gateway]
  http:
  - route:
    - destination: {host: frontend}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: shop-gateway
  namespace: istio-ingress
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*/shop.example.com"]
```

## Fix

Rewrites the reference as `namespace/name`, the Gateway it already resolves to.

## Differences from Istio and Kiali

Legacy gateway references (`name.namespace`, `name.namespace.svc.cluster.local`): Istio's
GatewayAnalyzer reports them as missing (IST0101) although Istio still resolves them;
meshlint resolves them and only mentions the style here.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import GatewayRef, Mesh
from meshlint.findings import Finding, Fix, Severity
from meshlint.rules.base import Edit, FixSafety, Rule, fix_for, report

RULE = Rule(
    code="ML104",
    name="gateway-legacy-reference",
    severity=Severity.INFO,
    summary="A gateway named in the legacy `name.namespace` form instead of `namespace/name`.",
    kinds=("VirtualService",),
    refs=("KIA1108",),
    fix=FixSafety.SAFE,
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for ref in mesh.gateway_refs:
        if ref.form == "legacy" and ref.resolved:  # else dangling-gateway reports it
            message = (
                f"gateway {ref.text!r} uses the legacy name.namespace form; Istio resolves it, "
                f"but write {ref.namespace}/{ref.name} to make the reference unambiguous"
            )
            yield report(RULE, ref.virtual_service, ref.path, message, fix=fix(ref))


def fix(ref: GatewayRef) -> Fix | None:
    """The reference in the ``namespace/name`` form it resolves to."""
    text = f"{ref.namespace}/{ref.name}"
    return fix_for(ref.virtual_service, f"write {text}", Edit("set", ref.path, text))
