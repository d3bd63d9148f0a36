"""Time the load stage (decode, pre-scan, C compose, positional pass) on generated manifests.

Run from the repository root: ``python -m benchmarks.bench_loader [DOCUMENTS]``. Prints the
best CPU time of seven runs, so changes to the hot path can be compared before and after.
"""

from __future__ import annotations

import sys
import time

from meshlint.input.loader import load_text

TEMPLATE = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-{i}
  namespace: shop-{ns}
  labels: {{app: reviews, version: v{i}}}
spec:
  hosts: [reviews-{i}.shop-{ns}.svc.cluster.local]
  gateways: [mesh, istio-system/public]
  http:
  - match:
    - uri: {{prefix: /api/{i}}}
      headers:
        x-user: {{exact: "tester"}}
    route:
    - destination: {{host: reviews-{i}, subset: v1, port: {{number: 9080}}}}
      weight: 80
    - destination: {{host: reviews-{i}, subset: v2}}
      weight: 20
    retries: {{attempts: 3, perTryTimeout: 2s}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-{i}
  namespace: shop-{ns}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: reviews}}
  template:
    metadata:
      labels: {{app: reviews, version: v1}}
    spec:
      containers:
      - name: reviews
        image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.{i}
        ports:
        - containerPort: 9080
        env:
        - name: LOG_DIR
          value: /tmp/logs
"""


def corpus(documents: int) -> list[bytes]:
    """One file per pair of documents, as a repository of manifests would hold them."""
    return [TEMPLATE.format(i=i, ns=i % 7).encode() for i in range(documents // 2)]


def main(argv: list[str]) -> None:
    documents = int(argv[0]) if argv else 4000
    files = corpus(documents)
    best = float("inf")
    for _ in range(7):
        start = time.process_time()
        for index, data in enumerate(files):
            load_text(f"f{index}.yaml", data)
        best = min(best, time.process_time() - start)
    size = sum(map(len, files)) / 1e6
    print(f"{documents} documents, {size:.1f} MB: best {best * 1000:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
