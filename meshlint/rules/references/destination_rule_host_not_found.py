"""A DestinationRule's host matches no Service or ServiceEntry.

A DestinationRule only takes effect for traffic to a service the mesh knows. When its `host`
names nothing (a typo, a renamed Service, a short name written in the wrong namespace), its
load balancing, connection pool, outlier detection and TLS settings apply to nothing, and
nobody notices until the protection they were meant to give is needed. Hosts are resolved as
for routes (`reviews` means `reviews.<namespace>.svc.cluster.local`); wildcard hosts and hosts
declared in `known-hosts` are not reported, since the other end may live outside the
analysed files; so are hosts of namespaces whose Services the files do not manage (see
`dangling-host`) and istiod's own Service.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: shop}
spec:
  host: ratngs
  trafficPolicy:
    connectionPool:
      http: {http1MaxPendingRequests: 100}
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: shop}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: shop}
spec:
  host: ratings
  trafficPolicy:
    connectionPool:
      http: {http1MaxPendingRequests: 100}
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: shop}
spec:
  selector: {app: ratings}
  ports: [{name: http, port: 9080}]
```

## Differences from Istio and Kiali

Kubernetes DNS forms (`reviews.default`, `reviews.default.svc`) as DestinationRule hosts
are reported, as errors: Istio takes them literally, so the rule applies to nothing, while
its analyzers resolve them like Kubernetes DNS. Hosts of namespaces whose Services the files
do not manage are not reported unless `whole-cluster` is set; Istio's analyzer sees the
live cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from meshlint.facts.graph import Mesh
from meshlint.facts.hosts import dns_form_fqdn, host_candidates
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report, suggest_defined_host

RULE = Rule(
    code="ML117",
    name="destination-rule-host-not-found",
    severity=Severity.WARNING,
    summary="A DestinationRule whose host no Service or ServiceEntry defines.",
    kinds=("DestinationRule",),
    refs=("IST0174", "KIA0202"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    domain = mesh.settings.cluster_domain
    for rule in mesh.of_type(K.DESTINATION_RULE):
        host = rule.spec.get("host")
        if not isinstance(host, str) or not host or host.startswith("*"):
            continue
        candidates = host_candidates(host, rule.namespace, domain)
        if mesh.hosts.lookup(candidates) or mesh.is_known_host(candidates):
            continue
        fqdn = dns_form_fqdn(host, domain)
        if fqdn and mesh.hosts.lookup([fqdn], exact=True):
            message = (
                f"host {host!r} is taken literally (Istio expands only names without a dot), "
                f"so this DestinationRule does not apply to the Service {fqdn!r}: its subsets "
                f"and policies reach no traffic, and routes to its subsets get 503; write {fqdn!r}"
            )
            # An error, not this rule's warning: the rule looks right and silently does nothing.
            yield replace(report(RULE, rule, ("spec", "host"), message), severity=Severity.ERROR)
            continue
        if not mesh.manages_host(candidates):
            continue  # the Services are applied from elsewhere: absence of evidence
        full = candidates[-1]
        message = (
            f"host {host!r} (resolved as {full!r}) matches no Service or ServiceEntry"
            f"{suggest_defined_host(mesh, full)}, so this DestinationRule applies to nothing; "
            "fix the host, or declare it in `known-hosts` if it lives outside these files"
        )
        yield report(RULE, rule, ("spec", "host"), message)
