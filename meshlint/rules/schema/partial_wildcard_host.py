"""A host with a partial wildcard such as `*foo.com` or `*-api.example.com`.

Istio's label pattern lets `*` start a label (`*foo`), so VirtualService and DestinationRule
hosts accept it and ServiceEntry hosts only get a warning, but Gateway and Sidecar hosts
refuse it. It rarely means what its author thinks: `*foo.com` matches every name that ends in
`foo.com`, including `barfoo.com`, not only the subdomains of `foo.com`. Write `*.foo.com`
(and `foo.com` if the apex is meant too).

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cdn
  namespace: shop
spec:
  hosts: ["*cdn.example.com"]
  location: MESH_EXTERNAL
  resolution: NONE
  ports: [{number: 443, name: tls, protocol: TLS}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: cdn
  namespace: shop
spec:
  hosts: ["*.cdn.example.com"]
  location: MESH_EXTERNAL
  resolution: NONE
  ports: [{number: 443, name: tls, protocol: TLS}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.fieldwalk import find
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.istio.dnsnames import is_partial_wildcard, wildcard_domain_problem
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML531",
    name="partial-wildcard-host",
    severity=Severity.WARNING,
    summary="A host like '*foo.com' whose '*' is not a whole label.",
    kinds=("VirtualService", "DestinationRule", "ServiceEntry"),
    refs=("IST0133",),
)

PATTERNS = {
    K.VIRTUAL_SERVICE: "spec.hosts[]",
    K.DESTINATION_RULE: "spec.host",
    K.SERVICE_ENTRY: "spec.hosts[]",
}


def _finding(resource: Resource, path: tuple[object, ...], host: str) -> Finding | None:
    if not is_partial_wildcard(host) or wildcard_domain_problem(host) is not None:
        return None  # whole-label wildcards are fine; refused hosts are invalid-host's
    first, _, rest = host.partition(".")
    suffix = host[1:]
    return report(
        RULE,
        resource,
        path,
        f"host {host!r} is a partial wildcard: it matches any name ending in {suffix!r}, "
        f"such as 'x{suffix}', and Gateway and Sidecar hosts refuse it. Use "
        f"'*.{first[1:].lstrip('-')}{'.' if rest else ''}{rest}'",
    )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for kind, pattern in PATTERNS.items():
        for resource in mesh.of_type(kind):
            for path, host in find(resource.body, pattern):
                if isinstance(host, str):
                    finding = _finding(resource, path, host)
                    if finding:
                        yield finding
    for destination in mesh.destinations:
        finding = _finding(
            destination.virtual_service, (*destination.path, "host"), destination.host
        )
        if finding:
            yield finding
