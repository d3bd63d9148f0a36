"""A ValidatingAdmissionPolicy that no ValidatingAdmissionPolicyBinding among the files
names, or a binding whose policy is not among the files.

The API server evaluates a policy only through its bindings: a policy without one does
nothing, however strict its validations. meshlint does the same, and says so here (at info
level) so that a policy committed without its binding is not mistaken for one enforced. A
binding whose policy is elsewhere (already in the cluster, in another repository) cannot be
evaluated offline either.

## Bad

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: demo-policy.example.com}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - expression: object.spec.replicas <= 5
```

## Good

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: demo-policy.example.com}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - expression: object.spec.replicas <= 5
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: demo-binding.example.com}
spec:
  policyName: demo-policy.example.com
  validationActions: [Deny]
```

## Differences from Istio and Kiali

Neither looks at admission policies. Kyverno's CLI (`kyverno apply`) evaluates a policy given
without a binding against every resource it matches; meshlint follows the API server.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, report
from meshlint.schemas.admission import unbound

RULE = Rule(
    code="ML722",
    name="admission-policy-unbound",
    severity=Severity.INFO,
    summary="A ValidatingAdmissionPolicy without a binding, or a binding without its policy.",
    kinds=("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    policies, bindings = unbound(mesh)
    for policy in policies:
        yield report(
            RULE,
            policy.resource,
            ("metadata", "name"),
            f"ValidatingAdmissionPolicy '{policy.name}' has no binding among the files: the API "
            "server evaluates a policy only through a ValidatingAdmissionPolicyBinding that "
            "names it, so it refuses nothing (add a binding with validationActions)",
        )
    for binding in bindings:
        yield report(
            RULE,
            binding.resource,
            ("spec", "policyName"),
            f"ValidatingAdmissionPolicyBinding '{binding.name}' names policy "
            f"'{binding.policy_name}', which is not among the files: meshlint cannot "
            "evaluate it",
        )
