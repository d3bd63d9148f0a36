"""An AuthorizationPolicy principal names a service account that does not exist.

A principal is a workload identity, `<trust domain>/ns/<namespace>/sa/<service account>`. A
service account that no workload uses (a typo, a renamed account, the `default` account of
another namespace) never calls, so an ALLOW rule for it admits nobody. Service accounts are the
`ServiceAccount` resources and the `serviceAccountName` of pod templates in the analysed files,
plus each namespace's `default`; principals are only checked for namespaces that the analysed
files hold resources in, and wildcards are not checked. When a mesh config is found, a trust
domain other than the mesh's (or `cluster.local`, or an alias) is reported too: such
principals never match local workloads.

## Bad

```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: web}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      serviceAccountName: frontend
      containers: [{name: web, image: web:1.0}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: from-frontend, namespace: shop}
spec:
  rules:
  - from:
    - source: {principals: [cluster.local/ns/web/sa/front-end]}
```

## Good

```yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: web}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      serviceAccountName: frontend
      containers: [{name: web, image: web:1.0}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: from-frontend, namespace: shop}
spec:
  rules:
  - from:
    - source: {principals: [cluster.local/ns/web/sa/frontend]}
```
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.policies import authz_sources, string_items
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Kind
from meshlint.rules.base import Rule, report, suggest

RULE = Rule(
    code="ML163",
    name="authz-principal-unknown",
    severity=Severity.WARNING,
    summary="An AuthorizationPolicy principal whose service account or trust domain is unknown.",
    kinds=("AuthorizationPolicy",),
    refs=("KIA0106",),
)

SERVICE_ACCOUNT = Kind("", "ServiceAccount")


def service_accounts(mesh: Mesh) -> dict[str | None, set[str]]:
    accounts: dict[str | None, set[str]] = defaultdict(lambda: {"default"})
    for account in mesh.of_type(SERVICE_ACCOUNT):
        accounts[account.namespace].add(account.name)
    for workload in mesh.workloads:
        spec = workload.template.get("spec")
        if isinstance(spec, dict):
            name = spec.get("serviceAccountName") or spec.get("serviceAccount")
            if isinstance(name, str) and name:
                accounts[workload.resource.namespace].add(name)
    return accounts


def _problem(mesh: Mesh, principal: str, accounts) -> str | None:
    text = principal.removeprefix("spiffe://")
    parts = text.split("/")
    if "*" in text or len(parts) != 5 or parts[1] != "ns" or parts[3] != "sa":
        return None
    domain, _, namespace, _, account = parts
    config = mesh.mesh_config
    trusted = {config.trust_domain, "cluster.local", *config.trust_domain_aliases}
    if config.found and domain not in trusted:
        return (
            f"trust domain {domain!r} is neither the mesh's {config.trust_domain!r} "
            f"({config.describe()}) nor one of its aliases, so it matches no local workload; "
            "fix it or add it to trustDomainAliases"
        )
    if namespace not in mesh.resource_namespaces:
        return None
    known = accounts[namespace]
    if account in known:
        return None
    return (
        f"no workload in namespace {namespace!r} runs as service account {account!r} in the "
        f"analysed files{suggest(account, known)}, so this principal never calls; fix the "
        "name or the workload's serviceAccountName"
    )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    accounts = None
    problems: dict[str, str | None] = {}  # a principal copied into many policies: once
    for policy in mesh.of_type(K.AUTHORIZATION_POLICY):
        for path, source in authz_sources(policy):
            for at, principal in string_items(source, "principals"):
                if accounts is None:
                    accounts = service_accounts(mesh)
                if principal not in problems:
                    problems[principal] = _problem(mesh, principal, accounts)
                problem = problems[principal]
                if problem:
                    message = f"principal {principal!r}: {problem}"
                    yield report(RULE, policy, (*path, "principals", at), message)
