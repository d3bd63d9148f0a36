"""An Istio webhook reaches an external control plane by IP address instead of a hostname.

The webhook's TLS connection to istiod is verified against the names in istiod's serving
certificate, which are DNS names; an IP address in `clientConfig.url` usually fails
verification, and it breaks as soon as the control plane's load balancer address changes. Use
the control plane's DNS name.

## Bad

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector-external-istiod}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig:
    url: https://203.0.113.10:15017/inject/cluster/remote1/net/network1
```

## Good

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector-external-istiod}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig:
    url: https://istiod.example.com:15017/inject/cluster/remote1/net/network1
```
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from urllib.parse import urlsplit

from meshlint.facts.graph import Mesh
from meshlint.facts.injector import istio_hooks
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML808",
    name="external-control-plane-ip",
    severity=Severity.WARNING,
    summary="An Istio webhook URL that addresses the external control plane by IP.",
    kinds=("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
    refs=("IST0164",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for config, path, client in istio_hooks(mesh):
        url = client.get("url")
        if not isinstance(url, str) or not url.strip():
            continue
        try:
            host = urlsplit(url.strip()).hostname
            ipaddress.ip_address(host or "")
        except ValueError:
            continue
        message = (
            f"Istio webhook in {config.display} reaches the control plane at IP {host}; "
            "certificate checks expect a hostname and the address may change; use istiod's "
            "DNS name"
        )
        yield report(RULE, config, (*path, "url"), message)
