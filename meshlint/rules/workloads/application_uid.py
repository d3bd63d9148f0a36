"""A pod or container runs as user 1337, the UID reserved for the Istio proxy.

The sidecar's iptables rules let traffic from UID 1337 bypass the proxy, so that the proxy's
own connections are not captured again. An application running as 1337 therefore skips the
mesh entirely: no mTLS, no routing rules, no authorization policy, no telemetry for its
outbound calls. Pick any other UID.

## Bad

```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext: {runAsUser: 1337}
      containers: [{name: api, image: api:1}]
```

## Good

```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext: {runAsUser: 1000}
      containers: [{name: api, image: api:1}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import WORKLOAD_KINDS, Mesh
from meshlint.facts.podspec import PROXY, containers
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML416",
    name="application-uid-1337",
    severity=Severity.WARNING,
    summary="An application pod or container runs as UID 1337, the Istio proxy's user.",
    kinds=WORKLOAD_KINDS,
    refs=("IST0144",),
)

PROXY_UID = 1337


def _runs_as_proxy(holder: object) -> bool:
    context = holder.get("securityContext") if isinstance(holder, dict) else None
    return isinstance(context, dict) and context.get("runAsUser") == PROXY_UID


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for workload in mesh.workloads:
        spec = workload.template.get("spec")
        found = []
        if _runs_as_proxy(spec):
            found.append((*workload.path, "spec", "securityContext", "runAsUser"))
        for path, container in containers(workload.template):
            if container.get("name") != PROXY and _runs_as_proxy(container):
                found.append((*workload.path, *path, "securityContext", "runAsUser"))
        if found:
            message = (
                f"{workload.resource.display} runs as UID {PROXY_UID}, which Istio reserves "
                "for its proxy: its traffic bypasses the sidecar (no mTLS, policies or "
                "telemetry); use another runAsUser"
            )
            yield report(RULE, workload.resource, found[0], message)
