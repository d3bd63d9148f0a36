"""Generate a tree of Istio manifests for benchmarks: ``python3 benchmarks/istio_tree.py DIR N``.

Each service gets a namespace-scoped set of realistic resources (VirtualService with a
weighted canary split and retries, DestinationRule with subsets and a traffic policy,
Gateway, ServiceEntry, AuthorizationPolicy, PeerAuthentication), written ten services to a
file. The output is deterministic, so runs compare like with like.
"""

from __future__ import annotations

import sys
from pathlib import Path

TEMPLATE = """\
apiVersion: v1
kind: Service
metadata: {{name: svc{i}, namespace: ns{ns}}}
spec:
  selector: {{app: svc{i}}}
  ports:
  - {{name: http, port: 8080}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: svc{i}
  namespace: ns{ns}
spec:
  hosts: [svc{i}, svc{i}.example.com]
  gateways: [mesh, ns{ns}/gw{i}]
  http:
  - name: canary
    match:
    - headers:
        x-canary: {{exact: "true"}}
      uri: {{prefix: /api/}}
    route:
    - destination: {{host: svc{i}, subset: v2, port: {{number: 8080}}}}
  - route:
    - destination: {{host: svc{i}, subset: v1}}
      weight: 90
    - destination: {{host: svc{i}, subset: v2}}
      weight: 10
    retries: {{attempts: 3, perTryTimeout: 2s, retryOn: "5xx,reset"}}
    timeout: 10s
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: svc{i}
  namespace: ns{ns}
spec:
  host: svc{i}
  trafficPolicy:
    connectionPool:
      tcp: {{maxConnections: 100}}
      http: {{http1MaxPendingRequests: 10, maxRequestsPerConnection: 5}}
    outlierDetection: {{consecutive5xxErrors: 5, interval: 30s, baseEjectionTime: 60s}}
    tls: {{mode: ISTIO_MUTUAL}}
  subsets:
  - name: v1
    labels: {{version: v1}}
  - name: v2
    labels: {{version: v2}}
    trafficPolicy:
      loadBalancer: {{simple: ROUND_ROBIN}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw{i}
  namespace: ns{ns}
spec:
  selector: {{istio: ingressgateway}}
  servers:
  - port: {{number: 443, name: https, protocol: HTTPS}}
    hosts: [svc{i}.example.com]
    tls: {{mode: SIMPLE, credentialName: svc{i}-cert}}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext{i}
  namespace: ns{ns}
spec:
  hosts: [api{i}.partner.example.org]
  location: MESH_EXTERNAL
  ports:
  - {{number: 443, name: tls, protocol: TLS}}
  resolution: DNS
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: svc{i}
  namespace: ns{ns}
spec:
  selector:
    matchLabels: {{app: svc{i}}}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: [cluster.local/ns/ns{ns}/sa/client]
    to:
    - operation:
        methods: [GET, POST]
        paths: [/api/*]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: svc{i}
  namespace: ns{ns}
spec:
  selector:
    matchLabels: {{app: svc{i}}}
  mtls: {{mode: STRICT}}
"""

PER_FILE = 10
DOCUMENTS_PER_SERVICE = TEMPLATE.count("\n---\n") + 1


def generate(root: Path, services: int) -> int:
    """Write ``services`` service groups below ``root``; return the number of documents."""
    root.mkdir(parents=True, exist_ok=True)
    for start in range(0, services, PER_FILE):
        ns = start // 50
        text = "---\n".join(
            TEMPLATE.format(i=i, ns=ns) for i in range(start, min(start + PER_FILE, services))
        )
        target = root / f"ns{ns}" / f"services-{start:05d}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return services * DOCUMENTS_PER_SERVICE


if __name__ == "__main__":
    count = generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 500)
    print(f"{count} documents")
