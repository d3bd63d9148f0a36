"""A manifest that a ValidatingAdmissionPolicy among the analysed files refuses: the policy
has a binding, the binding and the policy match the manifest's CREATE request, and one of
the policy's validations is false (or fails to evaluate under `failurePolicy: Fail`).

A team's own admission rules (replica limits, required labels, allowed registries) are
enforced by the API server only at deploy time: `kubectl apply` or the GitOps sync fails
long after the commit. meshlint evaluates the policies and bindings it finds among the files
as the API server would, with the same CEL, params from the files' ConfigMaps or custom
resources, and the files' Namespaces for `namespaceSelector`, so the commit fails instead.
The finding sits at the manifest's `metadata.name`, names the policy and the binding, and
quotes the message the API server would give. Its severity follows the binding's
`validationActions`: `Deny` is an error, `Warn` a warning, `Audit` an info.
See [Admission policies](../admission-policies.md) for what is evaluated and how.

## Bad

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: demo-policy.example.com}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
  validations:
  - expression: object.spec.replicas <= 5
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: demo-binding-test.example.com}
spec:
  policyName: demo-policy.example.com
  validationActions: [Deny]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 7
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
```

## Good

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: demo-policy.example.com}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
  validations:
  - expression: object.spec.replicas <= 5
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: demo-binding-test.example.com}
spec:
  policyName: demo-policy.example.com
  validationActions: [Deny]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
```

## Differences from Istio and Kiali

Neither evaluates admission policies. Unlike the API server, meshlint sees the manifests as
written: mutating webhooks and most defaulting have not run (only the namespace and the
`spec.replicas: 1` of the replicated workload kinds are filled in), every manifest is a
CREATE, and `request.userInfo` is empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.rules.base import Rule, related, report
from meshlint.schemas.admission import Violation, admission_outcomes

RULE = Rule(
    code="ML720",
    name="admission-policy-denied",
    severity=Severity.ERROR,
    summary="A manifest a ValidatingAdmissionPolicy among the files refuses (or warns about).",
    kinds=("ValidatingAdmissionPolicyBinding",),
)

_SEVERITY = {"Deny": Severity.ERROR, "Warn": Severity.WARNING, "Audit": Severity.INFO}


def _message(violation: Violation) -> str:
    names = (
        f"ValidatingAdmissionPolicy '{violation.policy.name}' with binding "
        f"'{violation.binding.name}'"
    )
    actions = violation.binding.actions
    if "Deny" in actions:
        text = f"{names} denied request: {violation.message}"
    else:
        text = f"Validation failed for {names}: {violation.message}"
        if "Warn" not in actions:
            text += " (validationActions Audit: recorded in the audit log, not refused)"
    if violation.param is not None:
        text += f" (params: {violation.param.display})"
    if violation.reason:
        text += f" (reason {violation.reason})"
    return text


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    violations, _ = admission_outcomes(mesh)
    for violation in violations:
        policy, binding = violation.policy, violation.binding
        places = [related(binding.resource, ("spec", "policyName"), "the binding")]
        if violation.expression is not None:
            places.insert(
                0, related(policy.resource, violation.expression.path, "the policy's expression")
            )
        else:
            places.insert(0, related(policy.resource, ("metadata", "name"), "the policy"))
        if violation.param is not None:
            places.append(related(violation.param, ("metadata", "name"), "the params"))
        finding = report(
            RULE, violation.resource, ("metadata", "name"), _message(violation), places
        )
        severity = max(_SEVERITY.get(a, Severity.ERROR) for a in binding.actions)
        yield finding if severity == finding.severity else replace(finding, severity=severity)
