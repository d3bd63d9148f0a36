"""Evaluating each binding's policy on each manifest it matches, as a CREATE request.

For a (binding, policy) pair and a resource both match (``matching.py``), as the API server's
validating policy dispatcher does (k8s.io/apiserver ``admission/plugin/policy/validating``):

0. the admission configuration itself (webhook configurations, policies and bindings) is
   exempt, as in the API server, so that a policy cannot lock itself out;
1. params: none without ``paramKind``; else the objects of that kind among the files that
   ``paramRef`` names (``name``) or selects (``selector``), in ``paramRef.namespace`` or, for a
   namespaced param kind, the request's namespace. The policy is evaluated once per param.
   None found: ``parameterNotFoundAction: Allow`` admits; ``Deny`` (the default) is a
   failure, subject to the ``failurePolicy``;
2. ``matchConditions`` in order: a false one skips the request, an error is a failure;
3. each validation, with its ``variables`` evaluated when it reads them; false is a
   violation with the validation's ``messageExpression`` (when it gives a one-line, non-blank
   string), else its ``message``, else ``failed expression: <expression>``; an error is a
   failure;
4. a failure is a violation under ``failurePolicy: Fail`` (the default) and nothing under
   ``Ignore``.

The CEL variables: ``object`` (the manifest as JSON, with its namespace and the
``spec.replicas: 1`` that the API server defaults for the replicated workload kinds),
``oldObject`` (null: a create), ``request`` (the synthesised request: kind, resource, name,
namespace, ``operation: CREATE``, empty ``userInfo``), ``params``, ``namespaceObject`` (the
files' Namespace, or one with only its name and the ``kubernetes.io/metadata.name`` label;
null for cluster-scoped resources) and ``variables``. ``authorizer`` is not available
offline: an expression that uses it, or a function the engine lacks, is reported as not
evaluated (``NotEvaluated``), never passed in silence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from meshlint.facts.memo import fact
from meshlint.facts.selectors import label_selector_matches
from meshlint.input.resources import Kind, Resource
from meshlint.schemas.admission.matching import NAME_LABEL, matches, resource_of
from meshlint.schemas.admission.policies import (
    GROUP,
    Binding,
    Expression,
    Policy,
    admission_bindings,
    admission_policies,
)
from meshlint.schemas.cel.engine import EvalError, Unsupported
from meshlint.schemas.structural import cel_value

if TYPE_CHECKING:
    from meshlint.facts.graph import Mesh

__all__ = ["NotEvaluated", "Violation", "admission_outcomes"]

_REPLICATED = {
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "ReplicaSet"),
    ("", "ReplicationController"),
}


@dataclass(frozen=True, slots=True, eq=False)
class Violation:
    """A request the policy refuses (``Deny``), warns about (``Warn``) or audits (``Audit``)."""

    resource: Resource
    policy: Policy
    binding: Binding
    message: str
    expression: Expression | None  # the validation or condition behind it, if any
    param: Resource | None
    reason: str | None = None


@dataclass(eq=False)
class NotEvaluated:
    """An expression meshlint cannot evaluate, and the resources it was to be evaluated on."""

    policy: Policy
    expression: Expression
    reason: str
    resources: list[Resource] = field(default_factory=list)


class _Failure(Exception):
    """Evaluating failed: a violation under failurePolicy Fail."""

    def __init__(self, message: str, expression: Expression | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.expression = expression


class _Skip(Exception):
    """An expression meshlint cannot evaluate stops this evaluation."""

    def __init__(self, expression: Expression, reason: str) -> None:
        super().__init__(reason)
        self.expression = expression
        self.reason = reason


@fact
def admission_outcomes(mesh: Mesh) -> tuple[list[Violation], list[NotEvaluated]]:
    """Every violation of the files' bound policies, and every expression not evaluated."""
    policies = admission_policies(mesh)
    violations: list[Violation] = []
    skipped: dict[tuple[int, tuple[object, ...]], NotEvaluated] = {}
    for binding in admission_bindings(mesh):
        policy = policies.get(binding.policy_name)
        if policy is None:
            continue
        for resource in mesh.resources:
            if resource.group == GROUP:  # exempt, as the API server exempts them
                continue
            if not matches(mesh, policy.match, resource):
                continue
            if binding.match is not None and not matches(mesh, binding.match, resource):
                continue
            run = _Run(mesh, policy, binding, resource)
            for found in run.outcomes():
                if isinstance(found, Violation):
                    violations.append(found)
                    continue
                key = (id(policy), found.expression.path)
                entry = skipped.setdefault(
                    key, NotEvaluated(policy, found.expression, found.reason)
                )
                if resource not in entry.resources:
                    entry.resources.append(resource)
    return violations, list(skipped.values())


class _Run:
    """One binding's policy on one resource."""

    def __init__(self, mesh: Mesh, policy: Policy, binding: Binding, resource: Resource) -> None:
        self.mesh, self.policy, self.binding, self.resource = mesh, policy, binding, resource
        self.plural, self.namespaced = resource_of(mesh, resource)
        self.namespace = resource.namespace if self.namespaced else None

    def outcomes(self) -> Iterator[Violation | _Skip]:
        try:
            params = self._params()
        except _Failure as failure:
            if self.policy.fail:
                yield self._violation(failure.message, None, None)
            return
        for param in params:
            yield from self._evaluate(param)

    def _violation(self, message, expression, param, reason=None) -> Violation:
        return Violation(
            self.resource, self.policy, self.binding, message, expression, param, reason
        )

    # -- params ---------------------------------------------------------------------------
    def _params(self) -> list[Resource | None]:
        kind = self.policy.param_kind
        if kind is None:
            return [None]
        ref = self.binding.param_ref
        if ref is None:
            raise _Failure(f"the policy has paramKind {kind[1]} but the binding has no paramRef")
        api_version, kind_name = kind
        candidates = [
            r for r in self.mesh.resources if r.api_version == api_version and r.kind == kind_name
        ]
        namespace = ref.namespace
        if namespace is None and candidates and resource_of(self.mesh, candidates[0])[1]:
            if self.namespace is None:
                raise _Failure(
                    "a namespaced paramKind without paramRef.namespace cannot be used for a "
                    "cluster-scoped resource"
                )
            namespace = self.namespace
        if namespace is not None:
            candidates = [r for r in candidates if r.namespace == namespace]
        if ref.name is not None:
            found = [r for r in candidates if r.name == ref.name]
        else:
            found = [r for r in candidates if label_selector_matches(ref.selector or {}, r.labels)]
        if not found:
            if not ref.deny_when_missing:
                return []
            where = f" in namespace {namespace!r}" if namespace else ""
            what = (
                f"{kind_name} {ref.name!r}{where} is not among the files"
                if ref.name
                else f"no {kind_name}{where} among the files matches the selector"
            )
            raise _Failure(
                f"no params found for policy binding with `Deny` parameterNotFoundAction ({what})"
            )
        return found

    # -- CEL --------------------------------------------------------------------------------
    def _activation(self, param: Resource | None) -> dict[str, object]:
        resource = self.resource
        body = cel_value({}, resource.body)
        metadata = body.setdefault("metadata", {}) if isinstance(body, dict) else {}
        if self.namespace is not None and isinstance(metadata, dict):
            metadata.setdefault("namespace", self.namespace)
        if (resource.group, resource.kind) in _REPLICATED and isinstance(body.get("spec"), dict):
            body["spec"].setdefault("replicas", 1)
        kind = {"group": resource.group, "version": resource.version, "kind": resource.kind}
        gvr = {"group": resource.group, "version": resource.version, "resource": self.plural}
        request = {
            "uid": "",
            "kind": kind,
            "resource": gvr,
            "subResource": "",
            "requestKind": kind,
            "requestResource": gvr,
            "requestSubResource": "",
            "name": resource.name,
            "namespace": self.namespace or "",
            "operation": "CREATE",
            "userInfo": {"username": "", "uid": "", "groups": [], "extra": {}},
            "dryRun": False,
            "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
        }
        return {
            "object": body,
            "oldObject": None,
            "request": request,
            "params": cel_value({}, param.body) if param is not None else None,
            "namespaceObject": self._namespace_object(),
            "variables": {},
        }

    def _namespace_object(self) -> object:
        if self.namespace is None:
            return None
        declared = self.mesh.get(Kind("", "Namespace"), None, self.namespace)
        if declared is not None:
            return cel_value({}, declared.body)
        return {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": self.namespace, "labels": {NAME_LABEL: self.namespace}},
        }

    def _value(self, expression: Expression, activation: dict, computed: dict) -> object:
        """The expression's value, with the variables it reads evaluated first."""
        if isinstance(expression.program, Unsupported):
            raise _Skip(expression, expression.program.reason)
        variables = activation["variables"]
        for name in expression.variables:
            if name in variables:
                continue
            source = self.policy.variables.get(name)
            if source is None:
                continue  # an undeclared variable: the engine reports the missing key
            if name not in computed:
                # The API server lets a variable read only those declared before it, so
                # there is no cycle; a self-reference is read as a missing key.
                computed[name] = EvalError(f"variable {name!r} refers to itself")
                computed[name] = self._value(source, activation, computed)
            value = computed[name]
            if isinstance(value, EvalError):
                raise _Failure(f"variable {name!r} resulted in error: {value.message}", source)
            variables[name] = value
        return expression.program.value(activation)

    def _evaluate(self, param: Resource | None) -> Iterator[Violation | _Skip]:
        activation = self._activation(param)
        computed: dict[str, object] = {}
        try:
            for name, condition in self.policy.conditions:
                result = self._value(condition, activation, computed)
                if isinstance(result, EvalError) or not isinstance(result, bool):
                    error = (
                        result.message
                        if isinstance(result, EvalError)
                        else f"returned {result!r}, not a boolean"
                    )
                    raise _Failure(f"matchCondition {name!r} resulted in error: {error}", condition)
                if not result:
                    return
        except _Skip as skip:
            yield skip
            return
        except _Failure as failure:
            if self.policy.fail:
                yield self._violation(failure.message, failure.expression, param)
            return
        for validation in self.policy.validations:
            expression = validation.expression
            try:
                result = self._value(expression, activation, computed)
                if isinstance(result, EvalError) or not isinstance(result, bool):
                    error = (
                        result.message
                        if isinstance(result, EvalError)
                        else f"returned {result!r}, not a boolean"
                    )
                    raise _Failure(
                        f"expression '{expression.text}' resulted in error: {error}", expression
                    )
            except _Skip as skip:
                yield skip
                continue
            except _Failure as failure:
                if self.policy.fail:
                    yield self._violation(failure.message, failure.expression, param)
                continue
            if not result:
                message = self._message(validation, activation, computed)
                yield self._violation(message, expression, param, validation.reason)

    def _message(self, validation, activation: dict, computed: dict) -> str:
        if validation.message_expression is not None:
            try:
                text = self._value(validation.message_expression, activation, computed)
            except (_Skip, _Failure):
                text = None
            if isinstance(text, str) and text.strip() and "\n" not in text:
                return text
        if validation.message:
            return validation.message
        return f"failed expression: {validation.expression.text}"
