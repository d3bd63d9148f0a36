"""A VirtualService is bound to a Gateway that does not exist.

A VirtualService bound only to missing gateways is never programmed into any proxy, so its
hosts stop answering at the edge (404 at the ingress gateway). Gateway references are
resolved as Istio does: `mesh` is the reserved name for all sidecars; `namespace/name` names a
Gateway anywhere; a bare `name` means the VirtualService's own namespace; the legacy
`name.namespace` and `name.namespace.svc.cluster.local` forms still resolve (they are only a
style matter, see `gateway-legacy-reference`). Gateways that live outside the analysed files
can be declared with the `known-gateways` setting.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop
  namespace: shop
spec:
  hosts: [shop.example.com]
  gateways: [shop-gateway]
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
  gateways: [istio-ingress/shop-gateway, mesh]
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
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import K
from meshlint.rules.base import Rule, report, suggest

RULE = Rule(
    code="ML103",
    name="dangling-gateway",
    severity=Severity.ERROR,
    summary="A `gateways` entry that names no Gateway.",
    kinds=("VirtualService", "Gateway"),
    refs=("IST0101", "KIA1102"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    existing = [f"{g.namespace}/{g.name}" for g in mesh.of_type(K.GATEWAY)]
    for ref in mesh.gateway_refs:
        if ref.form == "mesh" or ref.gateway is not None:
            continue
        assert ref.namespace is not None
        if mesh.is_known_gateway(ref.namespace, ref.name):
            continue
        full = f"{ref.namespace}/{ref.name}"
        resolved = f" (resolved as {full!r})" if full != ref.text else ""
        same_name = [g for g in existing if g.endswith("/" + ref.name)]
        if same_name:
            hint = f"; a Gateway of that name exists in another namespace: write {same_name[0]!r}"
        else:
            hint = suggest(full, existing)
        message = (
            f"gateway {ref.text!r}{resolved} does not exist{hint}; fix the reference, add the "
            "Gateway, or declare it in `known-gateways` if it lives outside these files"
        )
        yield report(RULE, ref.virtual_service, ref.path, message)
