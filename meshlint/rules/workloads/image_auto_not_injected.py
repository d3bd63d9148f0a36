"""A pod template uses `image: auto` but no injector webhook will inject its pods.

`image: auto` is a placeholder: the injector replaces it with the real proxy image (this is
how gateway Deployments are installed). If the pods are not injected, because the namespace
has no injection label or the pod opts out, the container keeps the literal image `auto`
and the pods never start (`ErrImagePull`). Label the namespace for injection or remove the
opt-out. The webhooks come from the analysed MutatingWebhookConfigurations, or Istio's
defaults when there are none (istio-discovery `templates/mutatingwebhook.yaml`): the pod label
`sidecar.istio.io/inject: "true"` is enough in a namespace without injection labels, but not
under `istio-injection=disabled` or an empty `istio.io/rev`, which match no webhook.

## Bad

```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingressgateway, namespace: ingress}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata:
      annotations: {inject.istio.io/templates: gateway}
      labels: {istio: ingressgateway}
    spec:
      containers: [{name: istio-proxy, image: auto}]
```

## Good

```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingressgateway, namespace: ingress}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata:
      annotations: {inject.istio.io/templates: gateway}
      labels: {istio: ingressgateway, sidecar.istio.io/inject: "true"}
    spec:
      containers: [{name: istio-proxy, image: auto}]
```

## Differences from Istio and Kiali

Where Istio's analyzer (IST0146) reads live Pods, meshlint reads pod templates. The
injector webhooks are the MutatingWebhookConfigurations in the files, or Istio's default
injector webhooks when there are none.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import WORKLOAD_KINDS, Mesh
from meshlint.facts.injection_labels import POD_INJECT
from meshlint.facts.injector import injection_advice, would_inject
from meshlint.facts.podspec import auto_image
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML419",
    name="image-auto-not-injected",
    severity=Severity.WARNING,
    summary="A pod template with image: auto whose pods no injector webhook will inject.",
    kinds=WORKLOAD_KINDS,
    refs=("IST0146",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for workload in mesh.workloads:
        if not workload.path:
            continue
        path = auto_image(workload.template)
        if path is None or would_inject(mesh, workload):
            continue
        resource = workload.resource
        if workload.labels.get(POD_INJECT) == "false":
            advice = 'remove the pod label sidecar.istio.io/inject: "false"'
        else:
            advice = injection_advice(mesh.namespace_labels(resource.namespace))
        message = (
            f"{resource.display} uses 'image: auto', but no injector webhook matches its "
            f"pods (namespace {resource.namespace!r} labels, pod labels), so the image is "
            f"never replaced and the pods cannot start; {advice}"
        )
        yield report(RULE, resource, (*workload.path, *path), message)
