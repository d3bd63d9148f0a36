"""A Gateway server's `credentialName` names a Secret that does not exist where the
gateway runs.

Gateway proxies read TLS certificates from the Secret named by `credentialName`, in the
namespace of the gateway *workload* (for Istio's default ingress, `istio-system`), not the
Gateway resource's namespace. A missing Secret leaves the listener without a certificate and
TLS handshakes fail. Secrets are often created outside the manifests (cert-manager, sealed
secrets, a vault operator), so the rule only reports when the analysed files hold Secrets of
that namespace, or this Secret in another namespace.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: shop}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop.example.com"]
    tls: {mode: SIMPLE, credentialName: shop-cert}
---
apiVersion: v1
kind: Secret
metadata: {name: shop-cert, namespace: shop}
type: kubernetes.io/tls
data: {tls.crt: "", tls.key: ""}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: web, namespace: shop}
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
data: {tls.crt: "", tls.key: ""}
```

## Differences from Istio and Kiali

Gateway TLS Secrets are reported missing only when the files manage Secrets of the
gateway's namespace (or hold the Secret elsewhere); Istio's analyzer sees the live
cluster's Secrets.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.traffic import credential_names, gateway_workload_namespace
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML115",
    name="gateway-secret-missing",
    severity=Severity.ERROR,
    summary="A Gateway `credentialName` with no Secret in the gateway workload's namespace.",
    kinds=("Gateway",),
    refs=("IST0101",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    namespaces = {s.namespace for s in mesh.of_type(K.SECRET)}
    for gateway in mesh.of_type(K.GATEWAY):
        namespace, _ = gateway_workload_namespace(mesh, gateway)
        if namespace is None:
            continue
        for server, name in credential_names(gateway):
            if mesh.get(K.SECRET, namespace, name) is not None:
                continue
            elsewhere = [s for s in mesh.of_type(K.SECRET) if s.name == name]
            if namespace not in namespaces and not elsewhere:
                continue
            hint = (
                f"; a Secret of that name exists in namespace {elsewhere[0].namespace!r}, but "
                "gateways read Secrets from their own workload's namespace"
                if elsewhere
                else ""
            )
            message = (
                f"credentialName {name!r} names no Secret in namespace {namespace!r}, where "
                f"this Gateway's proxies run{hint}; create the Secret there (it may also be "
                "created outside these files, e.g. by cert-manager)"
            )
            path = server.path("tls", "credentialName")
            yield report(RULE, gateway, path, message)
