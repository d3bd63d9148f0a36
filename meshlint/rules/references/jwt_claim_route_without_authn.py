"""A gateway route matches on JWT claims, but no RequestAuthentication validates JWTs on
that gateway.

Header matches on `@request.auth.claims.<name>` read the claims of a JWT that a
RequestAuthentication has validated. On a gateway where no RequestAuthentication applies,
there are no validated claims: the condition never matches and the route is dead, or, worse,
the author believes requests are authenticated when they are not. Add a RequestAuthentication
selecting the gateway workload (in its namespace, or mesh-wide in the root namespace).

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: beta, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http:
  - match:
    - headers:
        "@request.auth.claims.group": {exact: beta-testers}
    route:
    - destination: {host: frontend-beta}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop/shop.example.com"]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: beta, namespace: shop}
spec:
  hosts: [shop.example.com]
  gateways: [istio-system/web]
  http:
  - match:
    - headers:
        "@request.auth.claims.group": {exact: beta-testers}
    route:
    - destination: {host: frontend-beta}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop/shop.example.com"]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: ingress-jwt, namespace: istio-system}
spec:
  selector:
    matchLabels: {istio: ingressgateway}
  jwtRules:
  - issuer: https://auth.example.com
    jwksUri: https://auth.example.com/.well-known/jwks.json
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from meshlint.facts.graph import GatewayRef, Mesh
from meshlint.facts.routes import route_rules
from meshlint.facts.selectors import (
    gateway_selector,
    known_workloads_selected,
    selection,
    selects,
    workloads_selected,
)
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, quoted_list, report

RULE = Rule(
    code="ML119",
    name="jwt-claim-route-without-authn",
    severity=Severity.ERROR,
    summary="A JWT-claim route on a gateway that no RequestAuthentication covers.",
    kinds=("VirtualService",),
    refs=("IST0149",),
)

CLAIM_PREFIX = "@request.auth.claims."


def _claim_matches(mesh: Mesh, vs: Resource) -> Iterator[tuple[object, ...]]:
    for rule in route_rules(mesh, vs):
        if rule.section != "http":
            continue
        for position, match in rule.matches:
            headers = match.get("headers")
            for name in headers if isinstance(headers, dict) else ():
                if isinstance(name, str) and name.startswith(CLAIM_PREFIX):
                    yield (*rule.path, "match", position, "headers", name)


def _covered(mesh: Mesh, gateway: Resource) -> bool | None:
    """Does some RequestAuthentication apply to the gateway's proxies? None: unknown."""
    selector = gateway_selector(gateway)
    found = workloads_selected(mesh, selector, None)
    known = known_workloads_selected(mesh, selector, None)
    targets = [(w.resource.namespace, w.labels) for w in found]
    targets += [(k.namespace, k.labels) for k in known]
    if not targets:
        return None
    root = mesh.root_namespace
    for policy in mesh.of_type(K.REQUEST_AUTHENTICATION):
        labels = selection(mesh, policy).labels or {}
        if policy.namespace == root and not labels:
            return True
        for namespace, workload_labels in targets:
            if policy.namespace == namespace and selects(labels, workload_labels):
                return True
    return False


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    # Each VirtualService's gateway references and each gateway's coverage are worked out
    # once per run, not once per VirtualService that matches claims.
    refs_of: dict[int, list[GatewayRef]] | None = None
    covered: dict[int, bool | None] = {}
    for vs in mesh.of_type(K.VIRTUAL_SERVICE):
        claims = list(_claim_matches(mesh, vs))
        if not claims:
            continue
        if refs_of is None:
            refs_of = defaultdict(list)
            for ref in mesh.gateway_refs:
                if ref.gateway:
                    refs_of[id(ref.virtual_service)].append(ref)
        uncovered = []
        for ref in refs_of.get(id(vs), ()):
            if id(ref.gateway) not in covered:
                covered[id(ref.gateway)] = _covered(mesh, ref.gateway)
            if covered[id(ref.gateway)] is False:
                uncovered.append(ref.gateway)
        if not uncovered:
            continue
        names = quoted_list((f"{g.namespace}/{g.name}" for g in uncovered), quote=False)
        message = (
            f"this route matches JWT claims, but no RequestAuthentication applies to the "
            f"proxies of gateway {names}, so there are no validated claims to match; add a "
            "RequestAuthentication selecting the gateway workload"
        )
        yield report(RULE, vs, claims[0], message)
