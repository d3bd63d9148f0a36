"""RequestAuthentications exist but istiod may fetch JWKS from any address.

istiod fetches the `jwksUri` of every RequestAuthentication itself. Anyone who can create a
RequestAuthentication can therefore make istiod send requests to internal addresses (cloud
metadata endpoints, admin APIs): a server-side request forgery. Setting the
`BLOCKED_CIDRS_IN_JWKS_URIS` environment variable on istiod (for example to the private
ranges and `169.254.0.0/16`) refuses those addresses. The istiod Deployment (label
`app: istiod`) and IstioOperators (`values.pilot.env`, `components.pilot.k8s.env`) in the
analysed files are checked; nothing is reported when neither is present.

## Bad

```yaml
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec:
  jwtRules: [{issuer: "https://issuer.example.com", jwksUri: "https://issuer.example.com/jwks"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
  labels: {app: istiod}
spec:
  selector: {matchLabels: {app: istiod}}
  template:
    metadata: {labels: {app: istiod}}
    spec:
      containers: [{name: discovery, image: istio/pilot:1.28.0}]
```

## Good

```yaml
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec:
  jwtRules: [{issuer: "https://issuer.example.com", jwksUri: "https://issuer.example.com/jwks"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
  labels: {app: istiod}
spec:
  selector: {matchLabels: {app: istiod}}
  template:
    metadata: {labels: {app: istiod}}
    spec:
      containers:
      - name: discovery
        image: istio/pilot:1.28.0
        env:
        - name: BLOCKED_CIDRS_IN_JWKS_URIS
          value: "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16"
```

## Differences from Istio and Kiali

Also checked on IstioOperators (`values.pilot.env`, `components.pilot.k8s.env`), not only
on the istiod Deployment.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, quoted_list, report

RULE = Rule(
    code="ML703",
    name="jwks-fetch-unrestricted",
    severity=Severity.WARNING,
    summary="RequestAuthentications exist but istiod does not set BLOCKED_CIDRS_IN_JWKS_URIS.",
    kinds=("RequestAuthentication",),
    refs=("IST0175",),
)

VARIABLE = "BLOCKED_CIDRS_IN_JWKS_URIS"


def _containers_set_it(template: dict) -> bool:
    spec = template.get("spec")
    containers = spec.get("containers") if isinstance(spec, dict) else None
    for container in containers if isinstance(containers, list) else ():
        env = container.get("env") if isinstance(container, dict) else None
        for item in env if isinstance(env, list) else ():
            if isinstance(item, dict) and item.get("name") == VARIABLE and item.get("value"):
                return True
    return False


def _operator_sets_it(operator) -> bool:
    spec = operator.spec
    values = spec.get("values")
    pilot = values.get("pilot") if isinstance(values, dict) else None
    env = pilot.get("env") if isinstance(pilot, dict) else None
    if isinstance(env, dict) and env.get(VARIABLE):
        return True
    components = spec.get("components")
    pilot = components.get("pilot") if isinstance(components, dict) else None
    k8s = pilot.get("k8s") if isinstance(pilot, dict) else None
    return _containers_set_it({"spec": {"containers": [k8s]}}) if isinstance(k8s, dict) else False


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    policies = mesh.of_type(K.REQUEST_AUTHENTICATION)
    if not policies:
        return
    names = quoted_list(f"{p.namespace}/{p.name}" for p in policies)
    message = (
        f"{len(policies)} RequestAuthentication(s) ({names}) make istiod fetch JWKS URIs, and "
        f"this istiod does not set {VARIABLE}, so it will fetch from any address, internal "
        f"ones included (SSRF); set {VARIABLE} to the ranges it must not reach"
    )
    for deployment in mesh.of_type(K.DEPLOYMENT):
        if deployment.labels.get("app") != "istiod":
            continue
        template = deployment.pod_template()
        if template is None or _containers_set_it(template[1]):
            continue
        yield report(RULE, deployment, ("spec", "template", "spec", "containers"), message)
    for operator in mesh.of_type(K.ISTIO_OPERATOR):
        components = operator.spec.get("components")
        pilot = components.get("pilot") if isinstance(components, dict) else None
        if isinstance(pilot, dict) and pilot.get("enabled") is False:
            continue
        if not _operator_sets_it(operator):
            yield report(RULE, operator, ("spec",), message)
