"""A Sidecar egress host names a service that the namespace it imports from does not define.

`egress.hosts` entries are `namespace/dnsName`: the Sidecar imports, from that namespace, the
services, ServiceEntries and VirtualServices with that host. An entry for a host that nothing
defines (a typo, a service that was renamed, the wrong namespace) imports nothing, and the
workload loses access to the service it was meant to reach (outbound traffic to it fails or
leaves through the passthrough cluster). Wildcard names (`ns/*`, `*/*.example.com`) and `~/`
are not checked. Hosts defined outside the analysed files can be declared with
`--known-host`.

## Bad

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress:
  - hosts: ["./*", "data/ratings.data.svc.cluster.local"]
---
apiVersion: v1
kind: Service
metadata: {name: rating, namespace: data}
spec:
  ports: [{name: http, port: 9080}]
```

## Good

```yaml
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress:
  - hosts: ["./*", "data/ratings.data.svc.cluster.local"]
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: data}
spec:
  ports: [{name: http, port: 9080}]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.graph import Mesh
from meshlint.facts.hosts import host_candidates
from meshlint.facts.traffic import virtual_service_hosts
from meshlint.findings import Finding, Severity
from meshlint.input.resources import K
from meshlint.rules.base import HostSuggestions, Rule, quoted_list, report

RULE = Rule(
    code="ML151",
    name="sidecar-egress-host-unknown",
    severity=Severity.WARNING,
    summary="A Sidecar egress host that no Service, ServiceEntry or VirtualService defines.",
    kinds=("Sidecar",),
    refs=("KIA1004",),
)


def _virtual_service_hosts(mesh: Mesh) -> dict[str, list[str | None]]:
    hosts: dict[str, list[str | None]] = {}
    for fqdn, vs in virtual_service_hosts(mesh):
        hosts.setdefault(fqdn, []).append(vs.namespace)
    return hosts


def check(mesh: Mesh, options: dict) -> Iterator[Finding]:
    vs_hosts: dict[str, list[str | None]] | None = None
    # The namespaces defining each host, as a list and a set: worked out once per host, not
    # once per Sidecar importing it (every namespace may import one shared host).
    owners_of: dict[tuple[str, ...], tuple[list[str | None], set[str | None]]] = {}
    known: HostSuggestions | None = None  # defined host names, for suggestions
    domain = mesh.settings.cluster_domain
    for sidecar in mesh.of_type(K.SIDECAR):
        egress = sidecar.spec.get("egress")
        for index, listener in enumerate(egress if isinstance(egress, list) else ()):
            hosts = listener.get("hosts") if isinstance(listener, dict) else None
            for position, entry in enumerate(hosts if isinstance(hosts, list) else ()):
                if not isinstance(entry, str) or "/" not in entry:
                    continue
                where, _, name = entry.partition("/")
                if where == "~" or "*" in name or not name:
                    continue
                namespace = sidecar.namespace if where in (".", "*") else where
                candidates = host_candidates(name, namespace, domain)
                if mesh.is_known_host(candidates):
                    continue
                found = owners_of.get(candidates)
                if found is None:
                    owners = [d.resource.namespace for d in mesh.hosts.lookup(candidates)]
                    if vs_hosts is None:
                        vs_hosts = _virtual_service_hosts(mesh)
                    owners += [ns for c in candidates for ns in vs_hosts.get(c, ())]
                    found = owners_of[candidates] = (owners, set(owners))
                owners, owning = found
                if (where == "*" and owners) or namespace in owning:
                    continue
                path = ("spec", "egress", index, "hosts", position)
                if owners:
                    message = (
                        f"egress host {entry!r} imports {name!r} from namespace {namespace!r}, "
                        f"but it is defined in {quoted_list(map(str, owners))}; write "
                        f"'{owners[0]}/{name}' or '*/{name}'"
                    )
                else:
                    if known is None:
                        known = HostSuggestions(
                            h for h in mesh.hosts.names() if not h.startswith("*")
                        )
                    hint = known.suggest(candidates[-1])
                    message = (
                        f"egress host {entry!r}: no Service, ServiceEntry or VirtualService in "
                        f"the analysed files defines {name!r}{hint}, so the Sidecar imports "
                        "nothing for it; fix the name, or declare it with --known-host if it "
                        "is defined elsewhere"
                    )
                yield report(RULE, sidecar, path, message)
