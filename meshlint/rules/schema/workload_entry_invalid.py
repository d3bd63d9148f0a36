"""A WorkloadEntry whose address or labels Istio's webhook refuses.

Istio's `ValidateWorkloadEntry` (`validateWorkloadEntry` in
`pkg/config/validation/validation.go`) accepts three kinds of address: an IP address, a host
name (for a ServiceEntry with resolution DNS) and `unix://` with a socket path. Anything else
is refused: a URL (`http://10.0.0.5`), an address with a port (`10.0.0.5:8080`), a name with
an underscore or an all-digit last label (`10.0.0.300`), or an empty address without a
`network`. Labels must be valid Kubernetes label keys and values.

A missing address, Unix socket paths and ports are checked by the CRD's CEL rules.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: vm-1
  namespace: shop
spec:
  address: 10.0.0.5:8080
  labels: {app: payments}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: vm-1
  namespace: shop
spec:
  address: 10.0.0.5
  ports: {http: 8080}
  labels: {app: payments}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, report
from meshlint.rules.schema._endpoints import workload_entry_problems

RULE = Rule(
    code="ML536",
    name="workload-entry-invalid",
    severity=Severity.ERROR,
    summary="A WorkloadEntry address that is not an IP, host name or Unix socket, or bad labels.",
    kinds=("WorkloadEntry",),
    refs=("IST0106",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for entry in mesh.of_type(K.WORKLOAD_ENTRY):
        if "spec" not in entry.body:
            continue
        for path, message in workload_entry_problems(entry.spec, None, allow_fqdn=True):
            yield report(RULE, entry, ("spec", *path), message)
