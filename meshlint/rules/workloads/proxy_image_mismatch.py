"""Running pods in an injected namespace carry a proxy image other than the one the injector
would inject now.

After a control-plane upgrade, pods keep the proxy they were created with until they are
restarted. A proxy older than the control plane is supported only within a small version skew,
and it misses the fixes and features of the upgrade. The expected image comes from the
namespace's injector ConfigMap (`istio-sidecar-injector`, or `istio-sidecar-injector-<rev>`
for `istio.io/rev`); pods that pin `sidecar.istio.io/proxyImage` are skipped, and the
distroless variant of the expected image is accepted. One finding per namespace.

## Bad

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector, namespace: istio-system}
data:
  values: '{"global": {"hub": "docker.io/istio", "tag": "1.28.0", "proxy": {"image": "proxyv2"}}}'
---
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
  - {name: istio-proxy, image: "docker.io/istio/proxyv2:1.27.3"}
```

## Good

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector, namespace: istio-system}
data:
  values: '{"global": {"hub": "docker.io/istio", "tag": "1.28.0", "proxy": {"image": "proxyv2"}}}'
---
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

The `-distroless` variant of the injected image is accepted whatever the mesh config's
image type, and the injector ConfigMap must be in the files. Like the other checks that
only make sense for running pods, it reads bare Pods, as in `kubectl get pods -o yaml`
output, never pod templates.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.injection_labels import LEGACY, REVISION, namespace_revision
from meshlint.facts.injector import injector_values
from meshlint.facts.podspec import PROXY, containers
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, quoted_list, related, report

RULE = Rule(
    code="ML421",
    name="proxy-image-mismatch",
    severity=Severity.WARNING,
    summary="Running pods whose proxy image differs from what the injector injects now.",
    kinds=("Namespace",),
    refs=("IST0158",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for namespace in mesh.of_type(K.NAMESPACE):
        injected, revision = namespace_revision(namespace.labels)
        values = injector_values(mesh, revision) if injected else None
        expected = values.proxy_image if values else None
        if expected is None:
            continue
        accepted = {expected, f"{expected}-distroless"}
        stale = []
        for workload in mesh.workloads_in(namespace.name):
            if workload.path or "sidecar.istio.io/proxyImage" in workload.annotations:
                continue
            for path, container in containers(workload.template):
                image = container.get("image")
                if container.get("name") == PROXY and image not in accepted:
                    stale.append((workload.resource, (*path, "image"), image))
        if not stale:
            continue
        names = quoted_list(pod.name for pod, _, _ in stale)
        message = (
            f"pods in namespace {namespace.name!r} run a proxy image other than {expected!r}, "
            f"which the injector uses now: {names}; restart them to pick up the current proxy"
        )
        where = [related(pod, path, f"{pod.name} runs {image}") for pod, path, image in stale]
        path = ("metadata", "labels", REVISION if revision else LEGACY)
        yield report(RULE, namespace, path, message, where)
