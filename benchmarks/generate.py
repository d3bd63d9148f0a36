"""Generate a realistic, seeded manifest tree for benchmarks: ``N`` services spread over
namespaces, each with Deployments, a Service, a VirtualService (matched and weighted routes),
a DestinationRule (subsets, traffic policy), and per namespace a Namespace, a Gateway, a
ServiceEntry and a Telemetry. One service in 50 carries two deliberate mistakes (a
dangling host and a weight split over 100).

    python benchmarks/generate.py OUT_DIR --services 1000 [--seed 7] [--per-namespace 20]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

SERVICES_PER_NAMESPACE = 20


def _namespace(ns: str, env: str) -> str:
    return f"""\
apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  labels:
    env: {env}
    team: team-{ns}
    istio.io/rev: stable
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: {ns}-gateway
  namespace: {ns}
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 443
      name: https
      protocol: HTTPS
    tls:
      mode: SIMPLE
      credentialName: {ns}-cert
    hosts:
    - "{ns}/*.{ns}.example.com"
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: {ns}-external
  namespace: {ns}
spec:
  hosts:
  - api.{ns}.partner.example.net
  location: MESH_EXTERNAL
  ports:
  - number: 443
    name: tls
    protocol: TLS
  resolution: DNS
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata:
  name: tracing
  namespace: {ns}
spec:
  tracing:
  - providers:
    - name: otel
    randomSamplingPercentage: {1 if env == "prod" else 100}
"""


def _deployments(name: str, ns: str, rng: random.Random) -> str:
    docs = []
    for version in ("v1", "v2"):
        docs.append(f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}-{version}
  namespace: {ns}
  labels:
    app: {name}
    version: {version}
spec:
  replicas: {rng.randint(1, 6)}
  selector:
    matchLabels:
      app: {name}
      version: {version}
  template:
    metadata:
      labels:
        app: {name}
        version: {version}
      annotations:
        prometheus.io/scrape: "true"
    spec:
      containers:
      - name: {name}
        image: registry.example.com/{ns}/{name}:{rng.randint(1, 9)}.{rng.randint(0, 20)}.0
        ports:
        - containerPort: 8080
          name: http
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /healthz
            port: 8080
""")
    return "---\n".join(docs)


def _service(name: str, ns: str) -> str:
    return f"""\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: {name}
spec:
  selector:
    app: {name}
  ports:
  - name: http
    port: 80
    targetPort: 8080
"""


def _virtual_service(name: str, ns: str, peer: str, rng: random.Random, broken: bool) -> str:
    canary = rng.choice((5, 10, 20, 50))
    stable = 100 - canary + (10 if broken else 0)
    host = f"{peer}x" if broken else peer
    return f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: {name}
  namespace: {ns}
spec:
  hosts:
  - {name}
  - {name}.{ns}.example.com
  gateways:
  - mesh
  - {ns}/{ns}-gateway
  http:
  - name: beta
    match:
    - headers:
        x-beta:
          exact: "true"
    - uri:
        prefix: /beta/
    route:
    - destination:
        host: {name}
        subset: v2
  - name: peer
    match:
    - uri:
        prefix: /api/{peer}/
    rewrite:
      uri: /api/
    route:
    - destination:
        host: {host}.{ns}.svc.cluster.local
        port:
          number: 80
    timeout: 3s
  - name: default
    route:
    - destination:
        host: {name}
        subset: v1
      weight: {stable}
    - destination:
        host: {name}
        subset: v2
      weight: {canary}
    retries:
      attempts: 3
      perTryTimeout: 1s
"""


def _destination_rule(name: str, ns: str) -> str:
    return f"""\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: {name}
  namespace: {ns}
spec:
  host: {name}.{ns}.svc.cluster.local
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
        connectTimeout: 2s
      http:
        http1MaxPendingRequests: 64
        maxRequestsPerConnection: 16
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 10s
      baseEjectionTime: 30s
    loadBalancer:
      simple: LEAST_REQUEST
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
"""


def generate(
    out: Path, services: int, seed: int = 7, per_namespace: int = SERVICES_PER_NAMESPACE
) -> Path:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    namespaces = max(1, services // per_namespace)
    for index in range(namespaces):
        ns = f"team{index:04d}"
        env = "prod" if index % 3 else "dev"
        (out / ns).mkdir(parents=True)
        (out / ns / "namespace.yaml").write_text(_namespace(ns, env))
    for index in range(services):
        ns = f"team{index % namespaces:04d}"
        name = f"svc{index:05d}"
        # A peer in the same namespace: the next service that lands there.
        peer_index = index + namespaces
        peer = f"svc{peer_index if peer_index < services else index:05d}"
        broken = index % 50 == 17  # one service in 50 carries two mistakes
        folder = out / ns / name
        folder.mkdir()
        (folder / "deployment.yaml").write_text(_deployments(name, ns, rng))
        (folder / "service.yaml").write_text(_service(name, ns))
        (folder / "virtualservice.yaml").write_text(_virtual_service(name, ns, peer, rng, broken))
        (folder / "destinationrule.yaml").write_text(_destination_rule(name, ns))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--per-namespace",
        type=int,
        default=SERVICES_PER_NAMESPACE,
        help="services per namespace (a large value finds rules quadratic in a namespace)",
    )
    args = parser.parse_args()
    generate(args.out, args.services, args.seed, args.per_namespace)


if __name__ == "__main__":
    main()
