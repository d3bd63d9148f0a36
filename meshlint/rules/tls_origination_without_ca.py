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
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.findings import Finding, Severity
from meshlint.graph import Mesh
from meshlint.model import K
from meshlint.rules.base import Rule, report
from meshlint.tls_policy import unverified_tls

RULE = Rule(
    code="ML217",
    name="tls-origination-without-ca",
    severity=Severity.WARNING,
    summary="Destination TLS origination without `caCertificates` to verify the server.",
    kinds=("DestinationRule",),
    refs=("IST0128",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for rule in mesh.of_type(K.DESTINATION_RULE):
        for path, mode in unverified_tls(rule, port_level=False):
            message = (
                f"TLS mode {mode} to {rule.spec.get('host')!r} has no caCertificates, so the "
                "server certificate is not checked against a CA you chose; set "
                "caCertificates (or insecureSkipVerify: true to accept this on purpose)"
            )
            yield report(RULE, rule, path, message)
