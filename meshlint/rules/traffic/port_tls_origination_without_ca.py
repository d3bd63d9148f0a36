"""A DestinationRule originates TLS (`portLevelSettings[].tls` mode `SIMPLE` or `MUTUAL`)
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
metadata: {name: db, namespace: shop}
spec:
  host: db.example.com
  trafficPolicy:
    portLevelSettings:
    - port: {number: 5432}
      tls: {mode: SIMPLE}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: db, namespace: shop}
spec:
  host: db.example.com
  trafficPolicy:
    portLevelSettings:
    - port: {number: 5432}
      tls: {mode: SIMPLE, caCertificates: /etc/certs/db-ca.pem}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule
from meshlint.rules.traffic._tls import report_unverified_tls

RULE = Rule(
    code="ML218",
    name="port-tls-origination-without-ca",
    severity=Severity.WARNING,
    summary="Port TLS origination without `caCertificates` to verify the server.",
    kinds=("DestinationRule",),
    refs=("IST0129",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return report_unverified_tls(mesh, RULE, port_level=True)
