"""Find rules whose cost grows faster than their input: for several shapes of mesh, build a
synthetic tree of size N and of size 4N, time every rule on both (the way the engine runs
them: mesh built once, collector paused, best of --repeat), and flag the rules whose time
grows well over four-fold (``--flag``, 6 by default) and that take a measurable time.

    python benchmarks/scale_probe.py                       # every shape, N = 150
    python benchmarks/scale_probe.py --shape same-labels --size 300 --rule sidecar-selector-conflict

Shapes: ``one-namespace`` (N of each Istio kind in one namespace, selecting and routing to
each other), ``many-namespaces`` (N namespaces with one of each), ``same-labels`` (N
workloads with the same labels, a few policies selecting them), ``same-workload`` (N Services
selecting one workload), ``same-selector`` (N policies of each kind with one selector),
``big-gateway`` (one Gateway with N servers, VirtualServices with N hosts), ``shared-host``
(N namespaces routing to one shared Service, each with its own DestinationRule for it and
its own ServiceEntry for one external host), ``big-virtual-service`` (one VirtualService
with N http and N tcp routes). About one unit in
25 carries a mistake (an unknown selector, host, subset or namespace), so rules do real work.
This is a diagnostic tool, not a test: figures vary with the machine's load.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from meshlint.config.settings import Settings  # noqa: E402
from meshlint.facts.graph import build_mesh  # noqa: E402
from meshlint.input.loader import load_files  # noqa: E402
from meshlint.input.resources import extract_resources  # noqa: E402
from meshlint.rules import RULES  # noqa: E402


def _namespace(ns: str) -> str:
    return f"""\
apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  labels:
    istio-injection: enabled
"""


def _workload(name: str, ns: str, labels: dict[str, str], port: int = 8080) -> str:
    label_text = "".join(f"\n        {k}: {v}" for k, v in labels.items())
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {labels["app"]}
  template:
    metadata:
      labels:{label_text}
    spec:
      serviceAccountName: {name}
      containers:
      - name: app
        image: registry.example.com/{name}:1.4.2
        ports:
        - containerPort: {port}
          name: http
"""


def _service(name: str, ns: str, app: str, port: int = 80, target: int = 8080) -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  selector:
    app: {app}
  ports:
  - name: http-web
    port: {port}
    targetPort: {target}
"""


def _destination_rule(name: str, ns: str, host: str, versions: dict[str, str]) -> str:
    """A DestinationRule exported to its namespace, with mTLS and a subset per version."""
    subsets = "".join(
        f"  - name: {subset}\n    labels:\n      version: {version}\n"
        for subset, version in versions.items()
    )
    return f"""\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: {name}
  namespace: {ns}
spec:
  host: {host}
  exportTo: ["."]
  trafficPolicy:
    tls:
      mode: ISTIO_MUTUAL
  subsets:
{subsets}"""


def _istio_unit(
    i: int, ns: str, n: int, wrong: bool, nxt_ns: str | None = None, select: str | None = None
) -> str:
    """One of each Istio kind for app ``a{i}`` in ``ns``, referring to its neighbour
    ``a{i+1}`` (in ``nxt_ns``, by default ``ns``); the policies select ``app: {select}``
    (by default the unit's own app)."""
    app, nxt = f"a{i}", f"a{(i + 1) % n}"
    nxt_ns = nxt_ns or ns
    sel = "ghost" if wrong else select or app
    host = f"{app}.{ns}.svc.cluster.local"
    peer_ns = "nowhere" if wrong else ns
    subset = "v9" if wrong else "v1"
    extra_gateway = f"\n  - {nxt_ns}/gw-{nxt}" if wrong else ""  # serves none of its hosts
    octet = (i // 250) % 250, i % 250
    docs = [
        _workload(app, ns, {"app": app, "version": "v1"}),
        _service(app, ns, app),
        f"""\
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: authz-{app}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app: {sel}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/{nxt_ns}/sa/{nxt}", "cluster.local/ns/{peer_ns}/sa/x"]
        namespaces: ["{peer_ns}", "{nxt_ns}"]
    to:
    - operation:
        hosts: ["{host}", "{app}.example.com"]
        methods: ["GET", "POST"]
        ports: ["8080"]
""",
        f"""\
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: pa-{app}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app: {sel}
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: {"DISABLE" if wrong else "PERMISSIVE"}
""",
        f"""\
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: ra-{app}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app: {sel}
  jwtRules:
  - issuer: https://issuer.example.com/{app}
    jwksUri: https://issuer.example.com/{app}/jwks.json
""",
        f"""\
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: sc-{app}
  namespace: {ns}
spec:
  workloadSelector:
    labels:
      app: {sel}
  egress:
  - hosts:
    - "{nxt_ns}/{nxt}.{nxt_ns}.svc.cluster.local"
    - "{peer_ns}/*"
    - "istio-system/*"
""",
        f"""\
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: tel-{app}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app: {sel}
  tracing:
  - randomSamplingPercentage: 10
""",
        f"""\
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: se-{app}
  namespace: {ns}
spec:
  hosts:
  - ext-{app}.partner.example.net
  - "*.{app}.partner.example.org"
  addresses:
  - 10.{octet[0]}.{octet[1]}.1/32
  ports:
  - number: 443
    name: tls-{app}
    protocol: TLS
  - number: {8443 if wrong else 9443}
    name: tls-alt
    protocol: TLS
  location: MESH_EXTERNAL
  resolution: DNS
  exportTo: [".", "{peer_ns}"]
""",
        _destination_rule(f"dr-{app}", ns, app, {"v1": "v1", "v2": "v3" if wrong else "v1"}),
        f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: vs-{app}
  namespace: {ns}
spec:
  hosts:
  - {app}
  - {app}.{ns}.svc.cluster.local
  - {app}.example.com
  gateways:
  - mesh
  - {ns}/gw-{app}{extra_gateway}
  http:
  - match:
    - uri:
        prefix: /delegated
    delegate:
      name: vsd-{app}
      namespace: {ns}
  - match:
    - headers:
        x-user:
          exact: tester
    route:
    - destination:
        host: {nxt}.{nxt_ns}.svc.cluster.local
        subset: {subset}
  - route:
    - destination:
        host: {app}
        subset: v1
        port:
          number: 80
      weight: 100
""",
        f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: vsd-{app}
  namespace: {ns}
spec:
  http:
  - route:
    - destination:
        host: {"ghost" if wrong else app}
""",
        f"""\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw-{app}
  namespace: {ns}
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 443
      name: https-{app}
      protocol: HTTPS
    tls:
      mode: SIMPLE
      credentialName: cert-{app}
    hosts:
    - "{ns}/{app}.example.com"
  - port:
      number: 80
      name: http-{app}
      protocol: HTTP
    hosts:
    - "{app}.example.com"
    tls:
      httpsRedirect: true
""",
        f"""\
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: ef-{app}
  namespace: {ns}
spec:
  workloadSelector:
    labels:
      app: {sel}
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      listener:
        filterChain:
          filter:
            name: envoy.filters.network.http_connection_manager
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.filters.http.lua
""",
        f"""\
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: wasm-{app}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app: {sel}
  url: oci://registry.example.com/plugins/{app}:1.0
  phase: AUTHN
""",
        f"""\
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: we-{app}
  namespace: {ns}
spec:
  address: 10.200.{octet[0]}.{octet[1]}
  labels:
    app: vm-{app}
  serviceAccount: vm-{app}
""",
        f"""\
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata:
  name: wg-{app}
  namespace: {ns}
spec:
  metadata:
    labels:
      app: vm-{app}
  template:
    serviceAccount: vm-{app}
""",
    ]
    return "---\n".join(docs)


NAMESPACE_MTLS_OFF = """\
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: shop
spec:
  mtls:
    mode: DISABLE
"""


def one_namespace(n: int) -> dict[str, str]:
    """N units in one namespace whose default turns mTLS off (the units' own turn it on)."""
    files = {"ns.yaml": _namespace("shop") + "---\n" + NAMESPACE_MTLS_OFF}
    for i in range(n):
        files[f"shop/a{i}.yaml"] = _istio_unit(i, "shop", n, i % 25 == 7)
    return files


def many_namespaces(n: int) -> dict[str, str]:
    files = {}
    for i in range(n):
        ns = f"ns{i}"
        unit = _istio_unit(i, ns, n, i % 25 == 7, f"ns{(i + 1) % n}")
        files[f"{ns}/unit.yaml"] = _namespace(ns) + "---\n" + unit
    return files


def same_labels(n: int) -> dict[str, str]:
    files = {"ns.yaml": _namespace("shop"), "shop/unit.yaml": _istio_unit(0, "shop", 1, False)}
    for i in range(n):
        files[f"shop/web-{i}.yaml"] = _workload(f"web-{i}", "shop", {"app": "a0", "version": "v1"})
    return files


def same_workload(n: int) -> dict[str, str]:
    files = {"ns.yaml": _namespace("shop"), "shop/unit.yaml": _istio_unit(0, "shop", 1, False)}
    for i in range(n):
        files[f"shop/svc-{i}.yaml"] = _service(f"svc-{i}", "shop", "a0", 80 + i % 7, 8080)
    return files


def same_selector(n: int) -> dict[str, str]:
    """N of each Istio kind, their policies all selecting the one workload ``a0``."""
    files = {"ns.yaml": _namespace("shop")}
    for i in range(n):
        files[f"shop/a{i}.yaml"] = _istio_unit(i, "shop", n, i % 25 == 7, select="a0")
    return files


def big_gateway(n: int) -> dict[str, str]:
    """One Gateway with N servers, bound by one VirtualService with N hosts and by N
    VirtualServices with one host each that match JWT claims (one in 25 from a namespace
    the hosts are not exported to)."""
    servers = "".join(
        f"""\
  - port:
      number: {443 if i % 2 else 80}
      name: p-{i}
      protocol: {"HTTPS" if i % 2 else "HTTP"}
    hosts:
    - "shop/h{i}.example.com"
"""
        + ("    tls:\n      mode: SIMPLE\n      credentialName: c{i}\n" if i % 2 else "")
        for i in range(n)
    )
    gateway = f"""\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: shop
spec:
  selector:
    istio: ingressgateway
  servers:
{servers}"""
    hosts = "".join(f"  - h{i}.example.com\n" for i in range(n))
    big = f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: all
  namespace: shop
spec:
  hosts:
{hosts}  gateways: [edge]
  http:
  - route:
    - destination:
        host: a0
"""
    files = {"ns.yaml": _namespace("shop"), "gw.yaml": gateway, "vs.yaml": big}
    files["ingress.yaml"] = (
        _namespace("istio-system")
        + "---\n"
        + _workload(
            "istio-ingressgateway", "istio-system", {"app": "ingress", "istio": "ingressgateway"}
        )
        + """---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: ingress-jwt
  namespace: istio-system
spec:
  selector:
    matchLabels:
      istio: ingressgateway
  jwtRules:
  - issuer: https://auth.example.com
    jwksUri: https://auth.example.com/.well-known/jwks.json
"""
    )
    files["shop/unit.yaml"] = _istio_unit(0, "shop", 1, False)
    for i in range(n):
        ns = "team" if i % 25 == 7 else "shop"
        files[f"{ns}/vs-{i}.yaml"] = f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: vs-{i}
  namespace: {ns}
spec:
  hosts: [h{i}.example.com]
  gateways: [shop/edge]
  http:
  - match:
    - headers:
        "@request.auth.claims.group":
          exact: admins
    route:
    - destination:
        host: a0.shop.svc.cluster.local
"""
    return files


def _shared_host_client(i: int, ns: str) -> str:
    subset = "v9" if i % 25 == 7 else "v1"
    return f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: to-shared
  namespace: {ns}
spec:
  hosts:
  - auth.shared.svc.cluster.local
  exportTo: ["."]
  http:
  - route:
    - destination:
        host: auth.shared.svc.cluster.local
        subset: {subset}
  tls:
  - match:
    - sniHosts: [api.partner.example.com]
    route:
    - destination:
        host: api.partner.example.com
        port:
          number: 443
---
{_destination_rule("shared-auth", ns, "auth.shared.svc.cluster.local", {"v1": "v1"})}---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: partner-api
  namespace: {ns}
spec:
  hosts:
  - api.partner.example.com
  exportTo: ["."]
  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: tls
    protocol: {"HTTPS" if i % 25 == 7 else "TLS"}
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
  namespace: {ns}
spec:
  egress:
  - hosts:
    - "shared/auth.shared.svc.cluster.local"
    - "./api.partner.example.com"
    - "istio-system/*"
"""


def shared_host(n: int) -> dict[str, str]:
    """N namespaces that each route to one shared Service (with their own DestinationRule
    for it) and declare their own ServiceEntry for one external host."""
    files = {"shared.yaml": _namespace("shared") + "---\n" + _istio_unit(0, "shared", 1, False)}
    files["shared/auth.yaml"] = (
        _workload("auth", "shared", {"app": "auth", "version": "v1"})
        + "---\n"
        + _service("auth", "shared", "auth")
    )
    for i in range(n):
        ns = f"ns{i}"
        files[f"{ns}/client.yaml"] = _namespace(ns) + "---\n" + _shared_host_client(i, ns)
    return files


def big_virtual_service(n: int) -> dict[str, str]:
    """One VirtualService with N http routes (prefix, exact and header matches, weighted
    splits over subsets, redirects) and N tcp routes, as an API gateway's might be."""
    routes = []
    for i in range(n):
        match = (
            f"    - uri:\n        prefix: /api/v{i % 3}/r{i}\n"
            f"    - uri:\n        exact: /api/r{i}\n"
            f"      headers:\n        x-tenant:\n          exact: t{i % 7}\n"
        )
        if i % 10 == 9:
            action = f"    redirect:\n      uri: /api/v1/r{i}\n"
        else:
            action = (
                "    route:\n"
                "    - destination:\n        host: a0\n        subset: v1\n      weight: 90\n"
                "    - destination:\n        host: a0\n        subset: v2\n      weight: 10\n"
            )
        routes.append(f"  - name: r{i}\n    match:\n{match}{action}")
    tcp = "".join(
        f"  - match:\n    - port: {10000 + i}\n    route:\n"
        f"    - destination:\n        host: a0\n        port:\n          number: 80\n"
        for i in range(n)
    )
    vs = f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
  namespace: shop
spec:
  hosts: [a0]
  http:
{"".join(routes)}  - route:
    - destination:
        host: a0
  tcp:
{tcp}"""
    files = {"ns.yaml": _namespace("shop"), "vs.yaml": vs}
    files["shop/unit.yaml"] = _istio_unit(0, "shop", 1, False).replace(
        "name: vs-a0", "name: vs-a0-own"
    )
    return files


SHAPES: dict[str, Callable[[int], dict[str, str]]] = {
    "big-virtual-service": big_virtual_service,
    "shared-host": shared_host,
    "one-namespace": one_namespace,
    "many-namespaces": many_namespaces,
    "same-labels": same_labels,
    "same-workload": same_workload,
    "same-selector": same_selector,
    "big-gateway": big_gateway,
}


def build(shape: str, n: int, workdir: Path):
    root = workdir / f"{shape}-{n}"
    paths = []
    for name, text in SHAPES[shape](n).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths.append(str(path))
    sources = load_files(sorted(paths))
    settings = Settings()
    resources = extract_resources(sources, settings.default_namespace).resources
    return build_mesh(resources, sources, settings), len(resources)


def _time_rule(mesh, rule) -> tuple[float, int]:
    """Seconds and finding count of one run of ``rule``, with a fresh mesh memo (as in a
    run, the rule that first asks for a per-run cache pays for it)."""
    mesh.facts.clear()
    start = time.perf_counter()
    count = len(list(rule.check(mesh, rule.defaults)))
    return time.perf_counter() - start, count


def time_rules(meshes: list, rules, repeat: int) -> list[dict[str, tuple[float, int]]]:
    """Best seconds and finding count per rule, for each mesh. The meshes take turns, so a
    machine that gets busier or quieter during the probe shifts both sizes alike."""
    timings: list[dict[str, tuple[float, int]]] = [{} for _ in meshes]
    gc.disable()
    try:
        for rule in rules:
            for _ in range(repeat):
                for mesh, found in zip(meshes, timings, strict=True):
                    seconds, count = _time_rule(mesh, rule)
                    best = found.get(rule.name, (float("inf"), 0))[0]
                    found[rule.name] = (min(best, seconds), count)
    finally:
        gc.enable()
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES))
    parser.add_argument("--rule", action="append", help="only these rules (names)")
    parser.add_argument("--size", type=int, default=150, help="N (the large tree is 4N)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--flag", type=float, default=6.0, help="flag ratios above this")
    parser.add_argument("--floor", type=float, default=0.005, help="ignore rules under this")
    parser.add_argument("--all", action="store_true", help="print every rule, not only flags")
    args = parser.parse_args(argv)
    rules = [r for r in RULES if not args.rule or r.name in args.rule]
    flagged = 0
    with tempfile.TemporaryDirectory(prefix="meshlint-probe-") as tmp:
        for shape in args.shape or list(SHAPES):
            small_mesh, small_count = build(shape, args.size, Path(tmp))
            large_mesh, large_count = build(shape, 4 * args.size, Path(tmp))
            small, large = time_rules([small_mesh, large_mesh], rules, args.repeat)
            del small_mesh, large_mesh
            print(f"== {shape}: {small_count} -> {large_count} resources")
            for name, (seconds, findings) in large.items():
                before = small[name][0]
                ratio = seconds / before if before > 0 else float("inf")
                flag = ratio > args.flag and seconds >= args.floor
                flagged += flag
                if flag or args.all:
                    print(
                        f"{'FLAG' if flag else '    '} {name:40} {before * 1000:9.1f} ms"
                        f" -> {seconds * 1000:9.1f} ms  x{ratio:5.1f}"
                        f"  ({small[name][1]} -> {findings} findings)"
                    )
            sys.stdout.flush()
    print(f"{flagged} flagged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
