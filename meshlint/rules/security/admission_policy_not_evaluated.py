"""An expression of a bound ValidatingAdmissionPolicy that meshlint cannot evaluate: it uses
the `authorizer` (which needs the cluster's RBAC and is not available offline), or a CEL
function the engine lacks (Kubernetes' `quantity()`, `ip()`, `cidr()`, `semver()`,
`format`), or it does not compile. The API server will evaluate it, so the manifests it
applies to may still be refused: this finding says the check did not happen rather than
letting it pass in silence. It is reported once per expression, at the expression, with the
number of manifests it was to be evaluated on. A validation meshlint cannot evaluate leaves
the policy's other validations evaluated; a match condition it cannot evaluate leaves the
whole policy unevaluated for those manifests.

## Bad

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: only-admins-may-expose}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [services]}
  validations:
  - expression: >-
      object.spec.type != 'LoadBalancer' ||
      authorizer.group('').resource('services').check('expose').allowed()
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: only-admins-may-expose}
spec:
  policyName: only-admins-may-expose
  validationActions: [Deny]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: LoadBalancer
  ports: [{name: http, port: 80}]
```

## Good

```yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-load-balancers}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [services]}
  validations:
  - expression: object.spec.type != 'LoadBalancer'
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-load-balancers}
spec:
  policyName: no-load-balancers
  validationActions: [Deny]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{name: http, port: 80}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import field_path
from meshlint.rules.base import Rule, quoted_list, related, report
from meshlint.schemas.admission import admission_outcomes

RULE = Rule(
    code="ML721",
    name="admission-policy-not-evaluated",
    severity=Severity.WARNING,
    summary="An expression of a bound ValidatingAdmissionPolicy meshlint cannot evaluate.",
    kinds=("ValidatingAdmissionPolicyBinding",),
)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    _, skipped = admission_outcomes(mesh)
    for entry in skipped:
        count = len(entry.resources)
        shown = quoted_list((r.display for r in entry.resources), limit=3, quote=False)
        message = (
            f"{field_path(entry.expression.path)} of ValidatingAdmissionPolicy "
            f"'{entry.policy.name}' cannot be evaluated offline: {entry.reason}; "
            f"{count} manifest{'s' if count != 1 else ''} it applies to ({shown}) "
            f"{'were' if count != 1 else 'was'} not checked by it"
        )
        places = [related(r, ("metadata", "name"), "not checked") for r in entry.resources[:20]]
        yield report(RULE, entry.policy.resource, entry.expression.path, message, places)
