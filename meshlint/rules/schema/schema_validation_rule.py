"""A field breaks a validation rule of its CRD (`x-kubernetes-validations`, written in CEL):
the API server evaluates these rules on every create and refuses the resource when one is
false or cannot be evaluated, so `kubectl apply` fails with the rule's message.

Istio's CRDs carry several dozen such rules: at most one of `selector`, `targetRef` and
`targetRefs`; no wildcard in a ServiceEntry host or a selector label; `unix://` addresses
without ports; JWKS URIs with an http or https scheme; ports between 1 and 65535, and more.
meshlint evaluates every rule of the schemas it uses (the shipped Istio ones and those of
`--schemas DIR`), with Kubernetes' CEL functions (`url()`, `isURL()`, string extensions, ...).
The finding sits at the field the rule belongs to (or the rule's `fieldPath`) and quotes the
rule's message. Rules that read `oldSelf` only apply to updates and are not evaluated.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ingress
  namespace: shop
spec:
  selector:
    matchLabels: {app: ingress}
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: ingress}
  action: ALLOW
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ingress
  namespace: shop
spec:
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: ingress}
  action: ALLOW
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import Resource
from meshlint.rules.base import Rule
from meshlint.rules.schema.validation_base import describe_value, problem_findings, where
from meshlint.schemas.structural import Kind, RuleProblem

RULE = Rule(
    code="ML509",
    name="schema-validation-rule",
    severity=Severity.ERROR,
    summary="A field breaks a CEL validation rule (x-kubernetes-validations) of its CRD.",
    # no kinds: a user schema (--schemas) may add rules for any kind, so it runs on every mesh
    refs=("IST0106",),
)

# Fixes for rules whose remedy is plain from the expression.
_FIXES = {
    "duration(self) >= duration('1ms')": "use a duration of 1ms or more, like 500ms or 1s",
    "0 < self && self <= 65535": "use a port number between 1 and 65535",
    '!self.contains("*")': "match an exact label value; selectors take no wildcards",
    'self.all(key, !key.contains("*"))': "match exact label keys; selectors take no wildcards",
    "self.all(key, key.size() != 0)": "remove the empty label key",
    'self != "*"': "list the hosts the entry stands for ('*.example.com' for a domain)",
    "self.size() == 0": "remove the namespace: the target must be in the resource's namespace",
    'url(self).getScheme() in ["http", "https"]': "write the full URL, like "
    "https://example.com/.well-known/jwks.json",
    'self in ["", "HTTP", "HTTPS"]': "use HTTP or HTTPS (upper case)",
    '(has(self.address) ? self.address : "").startsWith("unix://") ? !has(self.ports) : true': (
        "remove the ports: a unix:// address has none"
    ),
    "has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? "
    "self.selector.matchLabels : {}).size() > 0) : true": "add a selector with matchLabels: "
    "port-level mTLS only applies to the workloads a policy selects",
}
_COUNT = re.compile(r"\(has\(self\.(\w+)\) \? 1 : 0\)")


def _fix(problem: RuleProblem, value: object) -> str:
    fix = _FIXES.get(problem.rule)
    if fix:
        return fix
    exclusive = _COUNT.findall(problem.rule)
    if exclusive and problem.rule.rstrip().endswith("<= 1") and isinstance(value, dict):
        present = [name for name in exclusive if name in value]
        if len(present) > 1:
            return f"keep one of {', '.join(present)}"
    return ""


def _word(resource: Resource, problem: RuleProblem) -> str:
    flat = " ".join(problem.rule.split())
    rule = flat if len(flat) <= 90 else flat[:87] + "..."
    fix = _fix(problem, problem.value)
    return (
        f"{where(problem)} {describe_value(problem.value)}: {problem.message}. The API server "
        f"refuses the {resource.kind} (its CRD's validation rule `{rule}`)"
        + (f"; {fix}" if fix else "")
    )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    return problem_findings(RULE, mesh, Kind.RULE_FAILED, _word)
