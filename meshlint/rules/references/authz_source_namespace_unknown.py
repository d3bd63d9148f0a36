"""An AuthorizationPolicy source names a namespace that does not exist.

`from.source.namespaces` and `notNamespaces` match the namespace of the calling workload's
identity. A namespace that does not exist (a typo, a renamed namespace) never matches: an
ALLOW rule then lets nobody in, and a DENY rule or a `notNamespaces` exception protects
nothing. Patterns work as in Istio (`*`, `prefix*`, `*suffix`). The check runs only when the
namespace set is known: when the analysed files declare `kind: Namespace` resources or
namespaces are declared with `--known-namespace`; the namespaces of analysed resources and
Kubernetes' own (`default`, `kube-system`...) always count as existing.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata: {name: frontend}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-frontend, namespace: shop}
spec:
  action: ALLOW
  rules:
  - from:
    - source: {namespaces: [front-end]}
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata: {name: frontend}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-frontend, namespace: shop}
spec:
  action: ALLOW
  rules:
  - from:
    - source: {namespaces: [frontend, "front*"]}
```

## Differences from Istio and Kiali

Source namespaces are checked only when the namespace set is known (the files declare
`kind: Namespace`, or `--known-namespace` is given); the namespaces of analysed
resources, Kubernetes' own and the root namespace always exist. Istio, given no
Namespace resources, reports every namespace.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.policies import authz_sources, string_items
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report, suggest

RULE = Rule(
    code="ML160",
    name="authz-source-namespace-unknown",
    severity=Severity.WARNING,
    summary="An AuthorizationPolicy source namespace that does not exist.",
    kinds=("AuthorizationPolicy",),
    refs=("IST0101", "KIA0101"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    hints: dict[str, str] = {}  # a wrong name copied into many policies is compared once
    for policy in mesh.of_type(K.AUTHORIZATION_POLICY):
        for path, source in authz_sources(policy):
            for key in ("namespaces", "notNamespaces"):
                for at, name in string_items(source, key):
                    if mesh.namespace_exists(name) is not False:
                        continue
                    if name not in hints:
                        hints[name] = suggest(name, mesh.namespace_names | mesh.resource_namespaces)
                    hint = hints[name]
                    message = (
                        f"source {key} entry {name!r} matches no namespace{hint}, so it never "
                        "matches a caller; fix the name, or declare the namespace with "
                        "--known-namespace if it exists outside the analysed files"
                    )
                    yield report(RULE, policy, (*path, key, at), message)
