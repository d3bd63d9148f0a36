"""A DestinationRule originates TLS (`trafficPolicy.tls` mode `SIMPLE` or `MUTUAL`)
without `caCertificates`, so nothing says which CA the server certificate must chain to.

Without a CA the upstream's identity is not checked against a known authority: before Istio
1.20 (and wherever `VERIFY_CERTIFICATE_AT_CLIENT` is off) the certificate is not verified at
all, which allows man-in-the-middle attacks on egress traffic; later releases fall back to the
proxy's system CA bundle, which trusts every public CA. Set `caCertificates` (or a
`credentialName` Secret holding `ca.crt`, with a `workloadSelector`), or set
`insecureSkipVerify: true` to make an unverified connection an explicit choice.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: payments, namespace: shop}
spec:
  host: api.payments.example.com
  trafficPolicy:
    tls: {mode: SIMPLE, sni: api.payments.example.com}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: payments, namespace: shop}
spec:
  host: api.payments.example.com
  trafficPolicy:
    tls:
      mode: SIMPLE
      sni: api.payments.example.com
      caCertificates: /etc/ssl/certs/ca-certificates.crt
```

## Differences from Istio and Kiali

Destination-level TLS in subsets (`subsets[].trafficPolicy.tls`) is checked for a CA as
well; Istio's analyzer only looks at the top-level policy.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule
from meshlint.rules.traffic._tls import report_unverified_tls

RULE = Rule(
    code="ML217",
    name="tls-origination-without-ca",
    severity=Severity.WARNING,
    summary="Destination TLS origination without `caCertificates` to verify the server.",
    kinds=("DestinationRule",),
    refs=("IST0128",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return report_unverified_tls(mesh, RULE, port_level=False)
