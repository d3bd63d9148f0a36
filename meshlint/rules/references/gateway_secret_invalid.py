"""A Gateway's TLS Secret lacks its certificate or key, holds no valid PEM certificate, or
holds an expired one.

The gateway proxy loads `credentialName` as `tls.crt`/`tls.key` (a `kubernetes.io/tls`
Secret) or `cert`/`key` (a generic Secret). A misspelt key (`tls.cert`), content that is not
PEM, or a certificate past its `notAfter` date makes every TLS handshake on that server fail,
and the proxy only logs it. The check needs the Secret in the analysed files.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-cert}
---
apiVersion: v1
kind: Secret
metadata: {name: shop-cert, namespace: istio-system}
type: kubernetes.io/tls
stringData: {tls.cert: "not a certificate", tls.key: "not a key"}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["shop.example.com"]
```
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from meshlint.facts.certs import certificate_not_after, decode_secret_value, pem_blocks
from meshlint.facts.graph import Mesh
from meshlint.facts.traffic import credential_names, gateway_workload_namespace
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML116",
    name="gateway-secret-invalid",
    severity=Severity.ERROR,
    summary="A Gateway TLS Secret without a usable certificate and key, or with an expired one.",
    kinds=("Gateway",),
    refs=("IST0161",),
)

KEY_PAIRS = (("tls.crt", "tls.key"), ("cert", "key"))


def _values(secret: Resource) -> dict[str, bytes]:
    values: dict[str, bytes] = {}
    for field, encoded in (("data", True), ("stringData", False)):
        data = secret.body.get(field)
        for key, value in data.items() if isinstance(data, dict) else ():
            decoded = decode_secret_value(value, encoded)
            if decoded is not None:
                values[key] = decoded
    return values


def problem(secret: Resource, now: datetime) -> str | None:
    """What makes ``secret`` unusable as a gateway certificate, or None."""
    values = _values(secret)
    pair = next(((c, k) for c, k in KEY_PAIRS if c in values and k in values), None)
    if pair is None:
        present = quoted_list(values, quote=False) or "none"
        return f"has no tls.crt/tls.key (or cert/key) pair (keys: {present})"
    cert, key = pair
    certificates = [der for label, der in pem_blocks(values[cert]) if label == "CERTIFICATE"]
    if not certificates:
        return f"{cert} holds no PEM certificate"
    if not any(label.endswith("PRIVATE KEY") for label, _ in pem_blocks(values[key])):
        return f"{key} holds no PEM private key"
    not_after = certificate_not_after(certificates[0])
    if not_after is None:
        return f"the certificate in {cert} does not parse"
    if not_after < now:
        return f"the certificate in {cert} expired on {not_after:%Y-%m-%d}"
    return None


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    now = datetime.now(UTC)
    for gateway in mesh.of_type(K.GATEWAY):
        namespace, _ = gateway_workload_namespace(mesh, gateway)
        if namespace is None:
            continue
        for server, name in credential_names(gateway):
            secret = mesh.get(K.SECRET, namespace, name)
            if secret is None:
                continue
            reason = problem(secret, now)
            if reason is None:
                continue
            message = (
                f"Secret {namespace}/{name} used by this server {reason}; TLS handshakes on it "
                "will fail; fix or renew the Secret"
            )
            path = server.path("tls", "credentialName")
            yield report(RULE, gateway, path, message, [related(secret, (), "the Secret")])
