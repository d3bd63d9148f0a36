"""An AuthorizationPolicy that Istio's webhook refuses.

Istio's `ValidateAuthorizationPolicy` (`pkg/config/validation/validation.go`, with
`ValidateAttribute`, `ValidateIPs`, `ValidatePorts`, `CheckServiceAccount` and
`CheckValidPathTemplate` from `pkg/config/security`) refuses, beyond the CRD's schema and CEL:

- `action: CUSTOM` without `rules` or without `provider.name`, a `provider` with another
  action, and `action: DENY` without `rules` (write `rules: [{}]` to match every request);
- CUSTOM rules on identities (`namespaces`, `principals`, `serviceAccounts`,
  `requestPrincipals` and their `not` forms, or `when` keys on them): the external
  authorizer runs before Istio knows them;
- a `from` entry without `source`, a `to` entry without `operation`, and an empty `source`
  or `operation`;
- empty strings in any list, `ipBlocks` that are not IPs or CIDR blocks, ports that are not
  numbers up to 65535, service accounts that are not `name` or `namespace/name`, paths with
  braces other than whole `{*}`/`{**}` segments;
- `when` conditions with an empty key, without `values` or `notValues`, with a key Istio does
  not know (`request.header[x-user]`, `destination.namespace`) or with bad values;
- the `istio.io/dry-run` annotation with a value that is not a boolean, or on a policy whose
  action is not ALLOW or DENY.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ext-authz
  namespace: shop
spec:
  action: CUSTOM
  rules:
  - from:
    - source: {namespaces: [frontend]}
    to:
    - operation: {ports: ["http"]}
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ext-authz
  namespace: shop
spec:
  action: CUSTOM
  provider: {name: oauth2-proxy}
  rules:
  - to:
    - operation: {ports: ["8080"], paths: ["/admin/{**}"]}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.istio.addresses import ip_or_cidr_problem
from meshlint.istio.authz import (
    attribute_key_problem,
    attribute_value_problem,
    path_template_problem,
    port_problem,
    service_account_problem,
)
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML537",
    name="authorization-policy-invalid",
    severity=Severity.ERROR,
    summary="An AuthorizationPolicy rule, source, operation or condition Istio refuses.",
    kinds=("AuthorizationPolicy",),
    refs=("IST0106",),
)

IDENTITIES = ("namespaces", "principals", "serviceAccounts", "requestPrincipals")
SOURCE = (*IDENTITIES, "ipBlocks", "remoteIpBlocks")
SOURCE_FIELDS = (*SOURCE, *("not" + f[0].upper() + f[1:] for f in SOURCE))
OPERATION = ("ports", "methods", "paths", "hosts")
OPERATION_FIELDS = (*OPERATION, *("not" + f[0].upper() + f[1:] for f in OPERATION))
CUSTOM_KEYS = ("source.namespace", "source.serviceAccount", "source.principal")
DRY_RUN = "istio.io/dry-run"
BOOLEANS = frozenset(
    {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}
)


def _value_problem(field: str, value: str) -> str | None:
    if value == "":
        return "an empty value is not allowed"
    if field.lower().endswith("ipblocks"):
        return ip_or_cidr_problem(value)
    if field.lower().endswith("serviceaccounts"):
        return service_account_problem(value)
    if field.lower().endswith("ports"):
        return port_problem(value)
    if field.lower().endswith("paths"):
        return path_template_problem(value)
    return None


def _lists(policy: Resource, at: tuple, block: dict, fields: tuple, custom: bool):
    for field in fields:
        values = block.get(field)
        if not isinstance(values, list):
            continue
        if custom and values and field.lower().endswith(tuple(i.lower() for i in IDENTITIES)):
            yield report(
                RULE,
                policy,
                (*at, field),
                f"{field} cannot be used with action CUSTOM: the "
                "external authorizer runs before Istio knows the caller; move it to an ALLOW "
                "or DENY policy",
            )
        for index, value in enumerate(values):
            problem = _value_problem(field, value) if isinstance(value, str) else None
            if problem:
                yield report(RULE, policy, (*at, field, index), f"{field}: {problem}")


def _entries(
    policy: Resource, at: tuple, rule: dict, key: str, inner: str, fields: tuple, custom: bool
):
    entries = rule.get(key)
    for index, entry in enumerate(entries if isinstance(entries, list) else ()):
        where = (*at, key, index)
        block = entry.get(inner) if isinstance(entry, dict) else None
        if entry is not None and block is None:
            yield report(RULE, policy, where, f"a {key} entry needs {inner}")
        elif isinstance(block, dict):
            if not any(block.get(field) for field in fields):
                yield report(
                    RULE,
                    policy,
                    (*where, inner),
                    f"{inner} sets nothing; give at least one "
                    f"of {', '.join(fields[: len(fields) // 2])} (or a not- form)",
                )
            yield from _lists(policy, (*where, inner), block, fields, custom)


def _conditions(policy: Resource, at: tuple, conditions: object, custom: bool):
    for index, condition in enumerate(conditions if isinstance(conditions, list) else ()):
        key = condition.get("key") if isinstance(condition, dict) else None
        if not isinstance(key, str):
            continue
        where = (*at, "when", index)
        values = [
            v
            for f in ("values", "notValues")
            if isinstance(condition.get(f), list)
            for v in condition[f]
        ]
        problem = "the condition key is empty" if key == "" else attribute_key_problem(key)
        if not problem and not values:
            problem = f"condition {key!r} needs values or notValues"
        if not problem and custom and (key in CUSTOM_KEYS or key.startswith("request.auth.")):
            problem = f"condition {key!r} cannot be used with action CUSTOM"
        if problem:
            yield report(RULE, policy, (*where, "key"), problem)
            continue
        for field in ("values", "notValues"):
            items = condition.get(field)
            for i, value in enumerate(items if isinstance(items, list) else ()):
                message = attribute_value_problem(key, value) if isinstance(value, str) else None
                if message:
                    yield report(RULE, policy, (*where, field, i), f"{key}: {message}")


def _action(policy: Resource, action: str) -> Iterator[Finding]:
    spec = policy.spec
    no_rules = spec.get("rules") is None
    provider = spec.get("provider")
    if action in ("CUSTOM", "DENY") and no_rules:
        yield report(
            RULE,
            policy,
            ("spec", "action"),
            f"action {action} without rules never applies and "
            "Istio refuses it; add rules, or rules: [{}] to match every request",
        )
    elif action == "CUSTOM" and not (isinstance(provider, dict) and provider.get("name")):
        where = ("spec", "provider") if provider is not None else ("spec", "action")
        yield report(
            RULE,
            policy,
            where,
            "action CUSTOM needs provider.name, the extension "
            "provider of the mesh config that authorizes the requests",
        )
    if provider is not None and action != "CUSTOM":
        yield report(
            RULE,
            policy,
            ("spec", "provider"),
            f"provider is only allowed with action CUSTOM, not {action}",
        )
    dry_run = policy.annotations.get(DRY_RUN)
    if dry_run is not None:
        if action not in ("ALLOW", "DENY"):
            problem = f"{DRY_RUN} only works with action ALLOW or DENY, not {action}"
        else:
            problem = None if dry_run in BOOLEANS else f"{DRY_RUN} must be true or false"
        if problem:
            yield report(RULE, policy, ("metadata", "annotations", DRY_RUN), problem)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for policy in mesh.of_type(K.AUTHORIZATION_POLICY):
        action = policy.spec.get("action") or "ALLOW"
        if not isinstance(action, str):
            continue
        yield from _action(policy, action)
        custom = action == "CUSTOM"
        rules = policy.spec.get("rules")
        for index, rule in enumerate(rules if isinstance(rules, list) else ()):
            if isinstance(rule, dict):
                at = ("spec", "rules", index)
                yield from _entries(policy, at, rule, "from", "source", SOURCE_FIELDS, custom)
                yield from _entries(policy, at, rule, "to", "operation", OPERATION_FIELDS, custom)
                yield from _conditions(policy, at, rule.get("when"), custom)
