"""A running Pod still has a container with `image: auto`.

The injector replaces `image: auto` with the proxy image when it injects a pod. A live Pod
that still shows `auto` was not injected, and that container can never pull its image: the
pod is stuck. This needs live Pods (`kubectl get pods -o yaml`); templates are checked by
`image-auto-not-injected`.

## Bad

```yaml
apiVersion: v1
kind: Pod
metadata: {name: gateway-5d8c, namespace: ingress}
spec:
  containers: [{name: istio-proxy, image: auto}]
```

## Good

```yaml
apiVersion: v1
kind: Pod
metadata: {name: gateway-5d8c, namespace: ingress}
spec:
  containers: [{name: istio-proxy, image: "docker.io/istio/proxyv2:1.28.0"}]
```

## Differences from Istio and Kiali

Where Istio's analyzers read live Pods, meshlint reads pod templates too; this check only
makes sense for running pods, so it reads bare Pods, as in `kubectl get pods -o yaml`
output. The injector webhooks are the MutatingWebhookConfigurations in the files, or
Istio's default injector webhooks when there are none.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.injector import injection_advice
from meshlint.facts.podspec import auto_image
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML420",
    name="pod-image-auto",
    severity=Severity.ERROR,
    summary="A running Pod with image: auto, which means it was not injected.",
    kinds=("Pod",),
    refs=("IST0147",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for workload in mesh.workloads:
        if workload.path:
            continue
        path = auto_image(workload.template)
        if path is not None:
            pod = workload.resource
            advice = injection_advice(mesh.namespace_labels(pod.namespace))
            message = (
                f"pod {pod.name!r} has a container with 'image: auto': it was not injected "
                f"and cannot start; {advice}, then recreate it"
            )
            yield report(RULE, pod, path, message)
