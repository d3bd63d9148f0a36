"""ValidatingAdmissionPolicies and ValidatingAdmissionPolicyBindings as typed records.

Read once per mesh from the analysed files (``admissionregistration.k8s.io``, any version:
v1, v1beta1 and v1alpha1 have the same shape for what is evaluated here). Defaults are those
of the API server: ``failurePolicy: Fail``, ``matchPolicy: Equivalent``, an absent selector
matches everything, ``parameterNotFoundAction: Deny``. ``auditAnnotations`` are ignored:
they decide nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from meshlint.facts.memo import fact
from meshlint.input.resources import Kind, Resource
from meshlint.schemas.cel.engine import Compiled, Unsupported, compiled

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = [
    "BINDING",
    "POLICY",
    "Binding",
    "Expression",
    "MatchResources",
    "ParamRef",
    "Policy",
    "ResourceRule",
    "Validation",
    "admission_bindings",
    "admission_policies",
    "unbound",
]

GROUP = "admissionregistration.k8s.io"
POLICY = Kind(GROUP, "ValidatingAdmissionPolicy")
BINDING = Kind(GROUP, "ValidatingAdmissionPolicyBinding")

_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_AUTHORIZER = re.compile(r"\bauthorizer\b")
_VARIABLE = re.compile(r"\bvariables\.([A-Za-z_]\w*)")


@dataclass(frozen=True, slots=True)
class Expression:
    """One CEL expression of a policy: where it is (path in the policy), its text and its
    program, or why meshlint cannot evaluate it."""

    path: tuple[object, ...]
    text: str
    program: Compiled | Unsupported
    variables: tuple[str, ...]  # the ``variables.<name>`` it reads


def _expression(path: tuple[object, ...], text: object) -> Expression | None:
    if not isinstance(text, str) or not text.strip():
        return None
    code = _STRING.sub("''", text)
    if _AUTHORIZER.search(code):
        program: Compiled | Unsupported = Unsupported(
            text, "it calls the authorizer, which is not available offline"
        )
    else:
        program = compiled(text, "admission")
    return Expression(path, text, program, tuple(dict.fromkeys(_VARIABLE.findall(code))))


@dataclass(frozen=True, slots=True)
class ResourceRule:
    groups: tuple[str, ...]
    versions: tuple[str, ...]
    resources: tuple[str, ...]
    operations: tuple[str, ...]
    scope: str
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatchResources:
    namespace_selector: object
    object_selector: object
    rules: tuple[ResourceRule, ...] | None  # None: every resource (a binding without rules)
    excluded: tuple[ResourceRule, ...]
    policy: str  # Exact or Equivalent


@dataclass(frozen=True, slots=True)
class Validation:
    expression: Expression
    message: str | None
    message_expression: Expression | None
    reason: str | None


@dataclass(frozen=True, slots=True, eq=False)
class Policy:
    resource: Resource
    name: str
    fail: bool  # failurePolicy Fail (the default) rather than Ignore
    param_kind: tuple[str, str] | None  # (apiVersion, kind)
    match: MatchResources
    conditions: tuple[tuple[str, Expression], ...]  # matchConditions: (name, expression)
    variables: Mapping[str, Expression]
    validations: tuple[Validation, ...]

    def expressions(self) -> list[Expression]:
        found = [e for _, e in self.conditions] + list(self.variables.values())
        for validation in self.validations:
            found.append(validation.expression)
            if validation.message_expression is not None:
                found.append(validation.message_expression)
        return found


@dataclass(frozen=True, slots=True)
class ParamRef:
    name: str | None
    namespace: str | None
    selector: object  # a LabelSelector, or None when ``name`` is set
    deny_when_missing: bool  # parameterNotFoundAction Deny (the default) rather than Allow


@dataclass(frozen=True, slots=True, eq=False)
class Binding:
    resource: Resource
    name: str
    policy_name: str
    param_ref: ParamRef | None
    match: MatchResources | None
    actions: tuple[str, ...]  # validationActions: Deny, Warn, Audit


def _strings(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _rules(value: object) -> tuple[ResourceRule, ...]:
    rules = []
    for item in value if isinstance(value, list) else ():
        if isinstance(item, dict):
            rules.append(
                ResourceRule(
                    groups=_strings(item.get("apiGroups")),
                    versions=_strings(item.get("apiVersions")),
                    resources=_strings(item.get("resources")),
                    operations=_strings(item.get("operations")),
                    scope=str(item.get("scope") or "*"),
                    names=_strings(item.get("resourceNames")),
                )
            )
    return tuple(rules)


def _match(value: object, rules_required: bool) -> MatchResources:
    value = value if isinstance(value, dict) else {}
    rules = value.get("resourceRules")
    return MatchResources(
        namespace_selector=value.get("namespaceSelector"),
        object_selector=value.get("objectSelector"),
        rules=_rules(rules) if rules is not None or rules_required else None,
        excluded=_rules(value.get("excludeResourceRules")),
        policy=str(value.get("matchPolicy") or "Equivalent"),
    )


def _policy(resource: Resource) -> Policy:
    spec = resource.spec
    param_kind = spec.get("paramKind")
    conditions = []
    for index, item in enumerate(_items(spec.get("matchConditions"))):
        expression = _expression(
            ("spec", "matchConditions", index, "expression"), item.get("expression")
        )
        if expression is not None:
            conditions.append((str(item.get("name") or index), expression))
    variables = {}
    for index, item in enumerate(_items(spec.get("variables"))):
        expression = _expression(("spec", "variables", index, "expression"), item.get("expression"))
        if expression is not None and isinstance(item.get("name"), str):
            variables[item["name"]] = expression
    validations = []
    for index, item in enumerate(_items(spec.get("validations"))):
        path = ("spec", "validations", index)
        expression = _expression((*path, "expression"), item.get("expression"))
        if expression is None:
            continue
        message = item.get("message")
        validations.append(
            Validation(
                expression=expression,
                message=message if isinstance(message, str) and message.strip() else None,
                message_expression=_expression(
                    (*path, "messageExpression"), item.get("messageExpression")
                ),
                reason=str(item["reason"]) if item.get("reason") else None,
            )
        )
    return Policy(
        resource=resource,
        name=resource.name,
        fail=spec.get("failurePolicy") != "Ignore",
        param_kind=(str(param_kind.get("apiVersion") or ""), str(param_kind.get("kind") or ""))
        if isinstance(param_kind, dict)
        else None,
        match=_match(spec.get("matchConstraints"), rules_required=True),
        conditions=tuple(conditions),
        variables=variables,
        validations=tuple(validations),
    )


def _binding(resource: Resource) -> Binding:
    spec = resource.spec
    ref = spec.get("paramRef")
    param_ref = None
    if isinstance(ref, dict):
        param_ref = ParamRef(
            name=str(ref["name"]) if ref.get("name") else None,
            namespace=str(ref["namespace"]) if ref.get("namespace") else None,
            selector=ref.get("selector"),
            deny_when_missing=ref.get("parameterNotFoundAction") != "Allow",
        )
    match = spec.get("matchResources")
    return Binding(
        resource=resource,
        name=resource.name,
        policy_name=str(spec.get("policyName") or ""),
        param_ref=param_ref,
        match=_match(match, rules_required=False) if isinstance(match, dict) else None,
        actions=_strings(spec.get("validationActions")) or ("Deny",),
    )


def _items(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


@fact
def admission_policies(mesh: Mesh) -> dict[str, Policy]:
    """The mesh's ValidatingAdmissionPolicies by name."""
    return {r.name: _policy(r) for r in mesh.of_type(POLICY)}


@fact
def admission_bindings(mesh: Mesh) -> list[Binding]:
    """The mesh's ValidatingAdmissionPolicyBindings."""
    return [_binding(r) for r in mesh.of_type(BINDING)]


@fact
def unbound(mesh: Mesh) -> tuple[list[Policy], list[Binding]]:
    """The policies no binding names (they do nothing) and the bindings whose policy is not
    among the files (meshlint cannot evaluate them)."""
    policies = admission_policies(mesh)
    bindings = admission_bindings(mesh)
    named = {binding.policy_name for binding in bindings}
    return (
        [policy for name, policy in policies.items() if name not in named],
        [binding for binding in bindings if binding.policy_name not in policies],
    )
