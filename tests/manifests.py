"""Manifests shared by the CLI-level tests (config, scope, suppressions, pre-commit)."""

VS_REVIEWS_V2 = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v2}
"""

DR_REVIEWS_V1 = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
"""

SERVICE_REVIEWS = """\
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec: {selector: {app: reviews}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews, version: v1}}
  template:
    metadata: {labels: {app: reviews, version: v1}}
    spec: {containers: [{name: reviews, image: reviews:1}]}
"""

# A host nobody defines, unless `known-hosts` says it exists outside the files (which show, by
# their ServiceEntry, that they manage external hosts).
VS_TO_EXTERNAL = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.shop.svc.cluster.local]
  http:
  - route:
    - destination: {host: payments.corp.example.com}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: mail, namespace: shop}
spec:
  hosts: [mail.corp.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
"""
