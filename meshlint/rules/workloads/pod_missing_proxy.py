"""A running Pod in a namespace with sidecar injection has no `istio-proxy` container.

Injection happens when a pod is created. A pod that was created before the namespace was
labelled, or while the injector was down (with a `failurePolicy: Ignore` webhook), runs
without a proxy: it is outside the mesh until it is restarted. This needs live Pods, so it
applies to `kubectl get pods -o yaml` output; pod templates of controllers never contain the
proxy and are not checked. Host-network pods and pods that opt out are skipped.

## Bad

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: v1
kind: Pod
metadata: {name: api-7d9f, namespace: shop}
spec:
  containers: [{name: api, image: api:1}]
```

## Good

```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: v1
kind: Pod
metadata: {name: api-7d9f, namespace: shop}
spec:
  containers:
  - {name: api, image: api:1}
  - {name: istio-proxy, image: "docker.io/istio/proxyv2:1.28.0"}
```

## Differences from Istio and Kiali

Where Istio's analyzers read live Pods, meshlint reads pod templates too; this check only
makes sense for running pods, so it reads bare Pods, as in `kubectl get pods -o yaml`
output.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import pod_injection
from meshlint.facts.podspec import has_proxy, namespace_injected
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML417",
    name="pod-missing-proxy",
    severity=Severity.WARNING,
    summary="A running Pod in an injection-enabled namespace without an istio-proxy container.",
    kinds=("Pod",),
    refs=("IST0103",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for workload in mesh.workloads:
        if workload.path or has_proxy(workload.template):
            continue
        spec = workload.template.get("spec")
        if isinstance(spec, dict) and spec.get("hostNetwork") is True:
            continue
        choice = pod_injection(workload.labels, workload.annotations)
        if choice is not None and choice.lower() == "false":
            continue
        pod = workload.resource
        if not namespace_injected(mesh, pod.namespace):
            continue
        message = (
            f"pod {pod.name!r} runs without an istio-proxy container although namespace "
            f"{pod.namespace!r} has sidecar injection; restart it (kubectl rollout restart) "
            "so that it is injected"
        )
        yield report(RULE, pod, ("spec", "containers"), message)
