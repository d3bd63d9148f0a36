"""A DestinationRule for a service silently drops the mTLS that a namespace-wide or mesh-wide
DestinationRule turns on (auto-mTLS off).

Istio applies one DestinationRule per host: the most specific one. Its settings are not merged
with a wildcard rule's, so a DestinationRule for `reviews` that only defines subsets or a load
balancer replaces the `*.local` (or `*.<ns>.svc.cluster.local`) rule entirely, `tls` included.
With auto-mTLS off, clients of that service then send plain text; a STRICT server refuses it.
With auto-mTLS on (the default), the missing `tls` is filled in automatically, and nothing is
reported.

Which rule applies is decided per client namespace as Istio does
(`PushContext.destinationRule`, `meshlint/facts/destination_rules.py`): the rule is reported only
for the client namespaces where it is the one that applies and where, without it, a wildcard
rule with mTLS would. A `*.local` rule in the clients' own namespace wins over the service's
rule there (and applies nowhere else), so it is not "dropped" by it.

## Bad

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    enableAutoMtls: false
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: default, namespace: istio-system}
spec:
  host: "*.local"
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets: [{name: v1, labels: {version: v1}}]
```

## Good

```yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    enableAutoMtls: false
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: default, namespace: istio-system}
spec:
  host: "*.local"
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
  subsets: [{name: v1, labels: {version: v1}}]
```

## Differences from Istio and Kiali

mTLS consistency follows auto-mTLS as Kiali does: with auto-mTLS on (Istio's default) a
STRICT PeerAuthentication needs no DestinationRule and a service DestinationRule without
`tls` loses nothing. So this rule (KIA0204) reports only with auto-mTLS off.

Which DestinationRule sets the TLS mode a client sends is decided per client namespace
(the merged entry's first top-level `trafficPolicy`), not from the host pattern: a `*.local`
rule in a namespace other than the root reaches only that namespace's clients, a more
specific wildcard (`*.cluster.local`) hides `*.local`, and the finding names the client
namespaces concerned.
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.destination_rules import describe_namespaces
from meshlint.facts.graph import Mesh
from meshlint.facts.policies import (
    MUTUAL_MODES,
    TLS_MODE_PATH,
    ClientTls,
    auto_mtls_note,
    client_tls_modes,
)
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import Rule, related, report

RULE = Rule(
    code="ML714",
    name="mtls-settings-overridden",
    severity=Severity.WARNING,
    summary="A DestinationRule without tls that replaces a wildcard rule enabling mTLS.",
    kinds=("DestinationRule",),
    refs=("KIA0204",),
)


def _sets_tls(spec: dict) -> bool:
    policy = spec.get("trafficPolicy")
    if not isinstance(policy, dict):
        return False
    if isinstance(policy.get("tls"), dict):
        return True
    ports = policy.get("portLevelSettings")
    ports = ports if isinstance(ports, list) else ()
    return any(isinstance(p, dict) and "tls" in p for p in ports)


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    if mesh.mesh_config.enable_auto_mtls:
        return
    suffix = ".svc." + mesh.settings.cluster_domain
    for rule in mesh.of_type(K.DESTINATION_RULE):
        host = rule.spec.get("host")
        if not isinstance(host, str) or "*" in host or _sets_tls(rule.spec):
            continue
        fqdn = mesh.cluster_fqdn(host, rule.namespace)
        if not fqdn.endswith(suffix):
            continue
        service = fqdn[: -len(suffix)].rpartition(".")[2]
        wide = {c.namespace: c for c in client_tls_modes(mesh, service)}
        dropped: dict[int, tuple[ClientTls, list[str]]] = {}
        for client in client_tls_modes(mesh, service, fqdn):
            if client.entry is None or rule not in client.entry.rules:
                continue  # another rule applies to these clients
            if client.rule is not None and _sets_tls(client.rule.spec):
                continue  # a rule merged into the same entry sets the tls
            other = wide.get(client.namespace)
            if other is None or other.rule is None or other.mode not in MUTUAL_MODES:
                continue
            dropped.setdefault(id(other.rule), (other, []))[1].append(client.namespace)
        for other, namespaces in dropped.values():
            wide_rule, mode = other.rule, other.mode
            message = (
                f"for clients in {describe_namespaces(namespaces)}, this DestinationRule is "
                f"the one Istio applies to {fqdn!r}, and it sets no tls, so the {mode} of "
                f"{wide_rule.display} (host {wide_rule.spec.get('host')!r}) does not apply "
                f"and, as {auto_mtls_note(mesh)}, they send plain text; add "
                f"trafficPolicy.tls.mode {mode} here"
            )
            where = [related(wide_rule, TLS_MODE_PATH, f"{mode} here")]
            path = ("spec", "trafficPolicy") if "trafficPolicy" in rule.spec else ("spec", "host")
            yield report(RULE, rule, path, message, where)
