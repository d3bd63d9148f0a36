"""An Istio webhook of an external control plane has neither a URL nor a Service.

With an external (remote) istiod, the injection and validation webhooks of the cluster reach
the control plane through `clientConfig.url`. A webhook whose URL is empty (and that names no
Service) cannot be called: depending on its `failurePolicy`, every pod creation or Istio
config change is rejected, or injection and validation are silently skipped. Checked for the
`istio-sidecar-injector*` and `istio-validator*` configurations.

## Bad

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector-external-istiod}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig:
    url:
  failurePolicy: Fail
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
  failurePolicy: Fail
```

## Differences from Istio and Kiali

Hostnames are not resolved (meshlint uses no network); empty URLs, URLs without a host,
and webhooks with neither URL nor Service are reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from meshlint.facts.graph import Mesh
from meshlint.facts.injector import istio_hooks
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML807",
    name="external-control-plane-url",
    severity=Severity.ERROR,
    summary="An Istio webhook with an empty or invalid clientConfig.url and no Service.",
    kinds=("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
    refs=("IST0163",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for config, path, client in istio_hooks(mesh):
        url = client.get("url")
        if isinstance(client.get("service"), dict):
            continue
        if isinstance(url, str) and url.strip():
            try:
                host = urlsplit(url.strip()).hostname
            except ValueError:
                host = None
            if host:
                continue
            problem = f"URL {url!r} has no host"
        else:
            problem = "its clientConfig has neither a url nor a service"
        message = (
            f"Istio webhook in {config.display} cannot reach the control plane: {problem}; "
            "set clientConfig.url to the external istiod address"
        )
        yield report(RULE, config, (*path, "url") if "url" in client else path, message)
