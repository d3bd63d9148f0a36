"""An AuthorizationPolicy operation names a host that nothing in the mesh serves.

`to.operation.hosts` is matched against the request's `Host` header. A host that no Service,
ServiceEntry, VirtualService or Gateway defines (a typo, an old domain) never matches: an ALLOW
rule for it lets nothing in and a DENY rule for it protects nothing. Short names mean the
policy's namespace, as in other Istio resources; a `:port` suffix is ignored, and wildcard
hosts are not checked. Hosts served outside the analysed files can be declared with
`--known-host`.

## Bad

```yaml
apiVersion: v1
kind: Service
metadata: {name: catalog, namespace: shop}
spec:
  ports: [{name: http, port: 8080}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: shop}
spec:
  action: DENY
  rules:
  - to:
    - operation: {hosts: [catalogue.shop.svc.cluster.local], paths: ["/admin*"]}
```

## Good

```yaml
apiVersion: v1
kind: Service
metadata: {name: catalog, namespace: shop}
spec:
  ports: [{name: http, port: 8080}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: shop}
spec:
  action: DENY
  rules:
  - to:
    - operation: {hosts: [catalog.shop.svc.cluster.local, "catalog:8080"], paths: ["/admin*"]}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.hosts import dns_form_fqdn, host_candidates
from meshlint.facts.policies import authz_operations, string_items
from meshlint.facts.traffic import gateway_servers, virtual_service_hosts
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report, suggest_host

RULE = Rule(
    code="ML162",
    name="authz-host-unknown",
    severity=Severity.WARNING,
    summary="An AuthorizationPolicy host that no Service, ServiceEntry, VirtualService or "
    "Gateway defines.",
    kinds=("AuthorizationPolicy",),
    refs=("KIA0104",),
)


def _routed_hosts(mesh: Mesh) -> set[str]:
    """Hosts named by VirtualServices and Gateway servers (``ns/`` prefixes removed)."""
    names = {fqdn for fqdn, _ in virtual_service_hosts(mesh)}
    for gateway in mesh.of_type(K.GATEWAY):
        for server in gateway_servers(gateway):
            names.update(host for _, host in server.hosts)
    return names


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    routed: set[str] | None = None
    domain = mesh.settings.cluster_domain
    for policy in mesh.of_type(K.AUTHORIZATION_POLICY):
        for path, operation in authz_operations(policy):
            for at, host in string_items(operation, "hosts"):
                if "*" in host or not host:
                    continue
                name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
                candidates = host_candidates(name, policy.namespace, domain)
                # A Host header may carry a Kubernetes DNS form (curl http://catalog.shop),
                # unlike a route destination, which Istio takes literally.
                dns_form = dns_form_fqdn(name, domain)
                candidates += (dns_form,) if dns_form else ()
                if mesh.hosts.lookup(candidates) or mesh.is_known_host(candidates):
                    continue
                if routed is None:
                    routed = _routed_hosts(mesh)
                if routed & {name, *candidates}:
                    continue
                hint = suggest_host(candidates[-1], [*mesh.hosts.names(), *routed])
                message = (
                    f"host {host!r} is not defined by any Service, ServiceEntry, VirtualService "
                    f"or Gateway in the analysed files{hint}, so this rule never matches a "
                    "request; fix it, or declare it with --known-host if it is served from "
                    "elsewhere"
                )
                yield report(RULE, policy, (*path, "hosts", at), message)
