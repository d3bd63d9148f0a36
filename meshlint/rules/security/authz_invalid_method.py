"""An AuthorizationPolicy operation lists something that is not an HTTP method.

`to.operation.methods` is compared with the request's HTTP method, exactly and case
sensitively (`*` and one leading or trailing `*` allowed). `get` or `GETT` never matches, so an
ALLOW rule lets nothing through and a DENY rule blocks nothing. gRPC methods are paths (every
gRPC call is a `POST`): `/package.Service/Method` belongs in `paths`, not `methods`.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: read-only, namespace: shop}
spec:
  selector: {matchLabels: {app: catalog}}
  action: ALLOW
  rules:
  - to:
    - operation: {methods: [get, HEAD]}
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: read-only, namespace: shop}
spec:
  selector: {matchLabels: {app: catalog}}
  action: ALLOW
  rules:
  - to:
    - operation: {methods: [GET, HEAD]}
  - to:
    - operation: {methods: [POST], paths: [/shop.Catalog/List]}
```

## Differences from Istio and Kiali

Methods are compared case-sensitively: `get` is reported. Kiali upper-cases it; Envoy
does not.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.policies import authz_operations, string_items
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report, suggest

RULE = Rule(
    code="ML701",
    name="authz-invalid-method",
    severity=Severity.WARNING,
    summary="An AuthorizationPolicy method that no HTTP request can have.",
    kinds=("AuthorizationPolicy",),
    refs=("KIA0102",),
)

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")


def valid_method(method: str) -> bool:
    if method == "*":
        return True
    if method.endswith("*") and not method.startswith("*"):
        return any(m.startswith(method[:-1]) for m in HTTP_METHODS)
    if method.startswith("*") and not method.endswith("*"):
        return any(m.endswith(method[1:]) for m in HTTP_METHODS)
    return method in HTTP_METHODS


def _advice(method: str) -> str:
    if method.startswith("/") and "/" in method[1:]:
        return "; it looks like a gRPC method: put it in `paths` (gRPC calls are POST)"
    if method.upper() in HTTP_METHODS:
        return f"; methods are case sensitive: write {method.upper()!r}"
    return suggest(method.upper(), HTTP_METHODS)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for policy in mesh.of_type(K.AUTHORIZATION_POLICY):
        for path, operation in authz_operations(policy):
            for key in ("methods", "notMethods"):
                for at, method in string_items(operation, key):
                    if valid_method(method):
                        continue
                    message = (
                        f"{key} entry {method!r} is not an HTTP method, so it never matches a "
                        f"request{_advice(method)}"
                    )
                    yield report(RULE, policy, (*path, key, at), message)
