"""A match regex that RE2 cannot compile.

Istio compiles regexes in RE2 syntax and Envoy runs them with RE2, which guarantees linear-time
matching by leaving out lookahead and lookbehind (`(?!...)`, `(?<=...)`), backreferences
(`\\1`), possessive quantifiers (`a++`) and atomic groups. Python, Java and PCRE accept them, so
a regex tested in a notebook can still make the webhook reject the VirtualService. Also
refused: an empty regex and one longer than 1024 characters. Checked: HTTP match `uri`,
`scheme`, `method`, `authority`, `headers`, `withoutHeaders` and `queryParams` regexes, CORS
`allowOrigins`, `rewrite.uriRegexRewrite.match` and EnvoyFilter `proxyVersion`.

Compiled with the `google-re2` package; where it is not installed a conservative check of
the constructs RE2 lacks is used instead.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api]
  http:
  - match:
    - uri: {regex: "^/api/(?!internal/).*"}
    route:
    - destination: {host: api}
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
  namespace: shop
spec:
  hosts: [api]
  http:
  - match:
    - uri: {prefix: /api/internal/}
    directResponse: {status: 404}
  - match:
    - uri: {regex: "^/api/v[0-9]+/.*"}
    route:
    - destination: {host: api}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.fieldwalk import FieldSet
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.istio.re2syntax import regex_problem
from meshlint.rules.base import Rule, report

RULE = Rule(
    code="ML532",
    name="invalid-regex",
    severity=Severity.ERROR,
    summary="A match regex that is not valid RE2 (lookaround, backreferences, ...).",
    kinds=("VirtualService", "EnvoyFilter"),
    refs=("IST0106",),
)

_MATCH = "spec.http[].match[]"
VIRTUAL_SERVICE_REGEXES = (
    f"{_MATCH}.uri.regex",
    f"{_MATCH}.scheme.regex",
    f"{_MATCH}.method.regex",
    f"{_MATCH}.authority.regex",
    f"{_MATCH}.headers{{}}.regex",
    f"{_MATCH}.withoutHeaders{{}}.regex",
    f"{_MATCH}.queryParams{{}}.regex",
    "spec.http[].corsPolicy.allowOrigins[].regex",
    "spec.http[].rewrite.uriRegexRewrite.match",
)

LOOKAROUND = (
    "RE2 has no lookaround: match the wanted values directly, or put a more specific route "
    "(e.g. a prefix match) before this one"
)


def _hint(problem: str) -> str:
    if problem.startswith("the regex is empty"):
        return "write a pattern, or use an exact or prefix match instead"
    if "perl operator" in problem or "lookaround" in problem or "atomic" in problem:
        return LOOKAROUND
    if "escape sequence" in problem or "backreference" in problem:
        return "RE2 has no backreferences: match the repeated text explicitly"
    if "repetition operator" in problem or "possessive" in problem:
        return "RE2 has no possessive quantifiers: drop the extra '+'"
    return "fix the pattern (RE2 syntax: https://github.com/google/re2/wiki/Syntax)"


_COMPILED = {
    K.VIRTUAL_SERVICE: FieldSet(dict.fromkeys(VIRTUAL_SERVICE_REGEXES, True)),
    K.ENVOY_FILTER: FieldSet({"spec.configPatches[].match.proxy.proxyVersion": False}),
}


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    for kind, fields in _COMPILED.items():
        for resource in mesh.of_type(kind):
            for required, path, value in fields.find(resource.body):
                if not isinstance(value, str) or (not value and not required):
                    continue  # an unset proxyVersion is empty
                if value == "*" and "withoutHeaders" in path:
                    continue  # Istio reads '*' there as "header present", not as a regex
                problem = regex_problem(value)
                if problem:
                    message = f"regex {value!r} is refused: {problem}; {_hint(problem)}"
                    yield report(RULE, resource, path, message)
