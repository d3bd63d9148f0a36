"""A RequestAuthentication JWT rule that Istio's webhook refuses.

Istio's `ValidateRequestAuthentication` checks each `jwtRules` entry with `validateJwtRule`
(`pkg/config/validation/validation.go`). Beyond the CRD's schema (non-empty `issuer`,
`audiences`, `fromHeaders` names, `fromParams` and `fromCookies`) and its CEL rules (`jwksUri`
must be an `http://` or `https://` URL, `jwks` and `jwksUri` exclude each other), it refuses:

- a rule with neither `issuer` nor `jwksUri`: Istio cannot tell which tokens it is for;
- an inline `jwks` that is not a JSON Web Key Set (not JSON, or not a JSON object);
- an `outputClaimToHeaders` header name with characters other than letters, digits and `-`
  (the schema lets `_` through; the webhook's `ValidateStrictHTTPHeaderName` does not).

`outputPayloadToHeader` is not checked by the webhook, so neither is it here. Timeouts are
checked by `invalid-duration`.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
  namespace: shop
spec:
  jwtRules:
  - jwks: '{"keys": [{"kty": "RSA", "e": "AQAB", "n": "xAE7..."}'
    outputClaimToHeaders:
    - {header: x_jwt_sub, claim: sub}
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
  namespace: shop
spec:
  jwtRules:
  - issuer: https://auth.example.com
    jwksUri: https://auth.example.com/.well-known/jwks.json
    outputClaimToHeaders:
    - {header: x-jwt-sub, claim: sub}
```
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML538",
    name="jwt-rule-invalid",
    severity=Severity.ERROR,
    summary="A JWT rule without issuer or jwksUri, with unreadable jwks or a bad header name.",
    kinds=("RequestAuthentication",),
    refs=("IST0106",),
)

_SCHEMA_HEADER = re.compile(r"[-_A-Za-z0-9]+")  # the CRD's pattern, reported by schema-pattern
_STRICT_HEADER = re.compile(r"[-A-Za-z0-9]+")  # ValidateStrictHTTPHeaderName


def _jwks_problem(text: str) -> str | None:
    try:
        keys = json.loads(text)
    except ValueError as error:
        return f"jwks is not valid JSON ({error.msg} at character {error.pos})"
    if not isinstance(keys, dict):
        return 'jwks must be a JSON object: a key set {"keys": [...]} or a single key'
    return None


def _rule(resource: Resource, index: int, rule: dict) -> Iterator[Finding]:
    at = ("spec", "jwtRules", index)
    uri = rule.get("jwksUri") or rule.get("jwks_uri")
    if rule.get("issuer") is None and not uri:
        yield report(
            RULE,
            resource,
            at,
            "a JWT rule needs an issuer or a jwksUri; set issuer to the tokens' iss claim",
        )
    jwks = rule.get("jwks")
    if isinstance(jwks, str) and jwks:
        problem = _jwks_problem(jwks)
        if problem:
            yield report(RULE, resource, (*at, "jwks"), problem)
    claims = rule.get("outputClaimToHeaders")
    for i, claim in enumerate(claims if isinstance(claims, list) else ()):
        header = claim.get("header") if isinstance(claim, dict) else None
        if (
            isinstance(header, str)
            and _SCHEMA_HEADER.fullmatch(header)
            and not _STRICT_HEADER.fullmatch(header)
        ):
            yield report(
                RULE,
                resource,
                (*at, "outputClaimToHeaders", i, "header"),
                f"header name {header!r} may only hold letters, digits and '-'; write "
                f"{header.replace('_', '-')!r}",
            )


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for resource in mesh.of_type(K.REQUEST_AUTHENTICATION):
        rules = resource.spec.get("jwtRules")
        for index, rule in enumerate(rules if isinstance(rules, list) else ()):
            if isinstance(rule, dict):
                yield from _rule(resource, index, rule)
