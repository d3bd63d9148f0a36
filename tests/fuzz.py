"""Fuzzing meshlint's whole pipeline: load, model, mesh, every rule, every output format.

Valid manifests (hand-written ones covering every Istio kind, plus every rule's documented
examples) are mutated at the data level (drop, retype and rename fields, add stray ones) and
at the text level (truncate, duplicate or drop lines, insert control characters, tabs, odd
bytes), then run end to end. The property: no rule raises (no ``internal-error``), no stage
raises, every reporter renders, and every finding points inside its file.

CI runs these properties with a small budget (``tests/test_fuzz.py``). For a long run::

    python -m tests.fuzz --minutes 10

It prints each falsifying example hypothesis finds and exits 1 if there was one.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import sys
import time
from collections.abc import Callable

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meshlint.engine.analyse import analyse_sources
from meshlint.input.loader import load_text
from meshlint.outputs import FORMATS, renderer
from meshlint.rules import RULES

ISTIO_SEEDS = """\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled, env: prod}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop, annotations: {networking.istio.io/exportTo: "."}}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080, targetPort: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1, namespace: shop, labels: {app: reviews}}
spec:
  selector: {matchLabels: {app: reviews}}
  template:
    metadata:
      labels: {app: reviews, version: v1, sidecar.istio.io/inject: "true"}
      annotations: {proxy.istio.io/config: "tracing: {sampling: 100}"}
    spec:
      containers: [{name: reviews, image: reviews:1, ports: [{containerPort: 9080}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews, reviews.example.com]
  gateways: [mesh, istio-system/public, shop/internal, public.istio-system.svc.cluster.local]
  exportTo: ["."]
  http:
  - name: canary
    match:
    - uri: {prefix: /v2}
      headers: {x-canary: {exact: "1"}}
      gateways: [mesh]
    route:
    - destination: {host: reviews, subset: v2, port: {number: 9080}}
      weight: 10
    - destination: {host: reviews.shop.svc.cluster.local, subset: v1}
      weight: 90
    mirror: {host: ratings, subset: v1}
    mirrors: [{destination: {host: ratings}, percentage: {value: 5}}]
    retries: {attempts: 3, perTryTimeout: 2s}
    fault: {delay: {percentage: {value: 1}, fixedDelay: 5s}}
  tcp:
  - match: [{port: 3306}]
    route: [{destination: {host: mysql, port: {number: 3306}}}]
  tls:
  - match: [{sniHosts: [reviews.example.com], port: 443}]
    route: [{destination: {host: reviews}, weight: 100}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  exportTo: ["*"]
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
    loadBalancer: {simple: ROUND_ROBIN}
    connectionPool: {http: {http1MaxPendingRequests: 10}}
    outlierDetection: {consecutive5xxErrors: 5, interval: 10s}
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
    trafficPolicy: {tls: {mode: DISABLE}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["shop/reviews.example.com", "*.example.com"]
    tls: {mode: SIMPLE, credentialName: cert}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: payments, namespace: shop}
spec:
  hosts: [api.payments.com, "*.stripe.com"]
  addresses: [10.0.0.1/32]
  ports: [{number: 443, name: https, protocol: TLS}]
  location: MESH_EXTERNAL
  resolution: DNS
  exportTo: [".", istio-system]
  endpoints: [{address: 1.2.3.4, ports: {https: 443}}]
  workloadSelector: {labels: {app: payments}}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  workloadSelector: {labels: {app: reviews}}
  egress: [{hosts: ["./*", "istio-system/*"]}]
  ingress: [{port: {number: 9080, protocol: HTTP}, defaultEndpoint: 127.0.0.1:9080}]
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm1, namespace: shop}
spec: {address: 10.1.1.1, labels: {app: reviews}, ports: {http: 9080}, serviceAccount: sa}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: lua, namespace: istio-system}
spec:
  workloadSelector: {labels: {istio: ingressgateway}}
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: GATEWAY
      listener: {filterChain: {filter: {name: envoy.filters.network.http_connection_manager}}}
    patch: {operation: INSERT_BEFORE, value: {name: envoy.lua}}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews}}
  action: ALLOW
  rules:
  - from: [{source: {principals: ["cluster.local/ns/shop/sa/web"], namespaces: [shop]}}]
    to: [{operation: {methods: [GET], paths: ["/api/*"]}}]
    when: [{key: "request.auth.claims[iss]", values: ["https://issuer"]}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: istio-system}
spec:
  mtls: {mode: STRICT}
  portLevelMtls: {"9080": {mode: PERMISSIVE}}
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: shop}
spec:
  selector: {matchLabels: {app: reviews}}
  jwtRules: [{issuer: "https://issuer", jwksUri: "https://issuer/jwks"}]
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: {name: tracing, namespace: shop}
spec:
  tracing: [{randomSamplingPercentage: 100, providers: [{name: zipkin}]}]
  accessLogging: [{providers: [{name: envoy}]}]
---
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata: {name: control-plane, namespace: istio-system}
spec:
  meshConfig:
    defaultConfig: {tracing: {sampling: 100}}
    outboundTrafficPolicy: {mode: REGISTRY_ONLY}
  values: {pilot: {traceSampling: 100}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    defaultConfig:
      tracing:
        sampling: 100
"""


def _documents(text: str) -> list[dict]:
    try:
        loaded = list(yaml.load_all(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return []
    return [d for d in loaded if isinstance(d, dict) and "kind" in d]


def seed_documents() -> list[dict]:
    """The hand-written manifests and every rule's documented examples."""
    documents = _documents(ISTIO_SEEDS)
    for rule in RULES:
        for example in rule.examples.values():
            if len(example) < 20_000:
                documents.extend(_documents(example))
    return documents


SEEDS = seed_documents()
# One of every Istio kind, and the Kubernetes kinds they refer to: the mutants' context.
ISTIO = list(yaml.load_all(ISTIO_SEEDS, Loader=yaml.CSafeLoader))
# One value of each YAML type, awkward ones where they exist (NaN, a 71-bit int, [null]).
WRONG_VALUES = (None, True, 2**70, float("nan"), "x", [None], {"a": 1})
FIELD_NAMES = (
    "name",
    "namespace",
    "host",
    "hosts",
    "subset",
    "subsets",
    "route",
    "destination",
    "weight",
    "gateways",
    "port",
    "number",
    "labels",
    "selector",
    "exportTo",
    "spec",
    "metadata",
    "kind",
    "apiVersion",
    "items",
    "http",
    "tracing",
    "match",
)


def paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``value`` (mapping keys and list indexes)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found.extend(paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((*prefix, index))
            found.extend(paths(item, (*prefix, index)))
    return found


def parent_of(document: object, path: tuple) -> object:
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


def set_at(document: object, path: tuple, value: object) -> None:
    parent_of(document, path)[path[-1]] = value


def dump(documents: list[object], as_json: bool) -> str:
    if as_json:
        return "\n".join(json.dumps(d) for d in documents[:1])
    return yaml.dump_all(documents, Dumper=yaml.CSafeDumper, sort_keys=False)


# -- strategies ----------------------------------------------------------------------------

wrong_values = st.one_of(
    st.sampled_from((*WRONG_VALUES, -1, 0, 1.5, "", [], {})),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=4)), max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.none(), st.integers()), max_size=2),
).map(copy.deepcopy)  # later mutations must not reach the shared constants
field_names = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10))


@st.composite
def mutated_documents(draw) -> list[object]:
    """Seed manifests with fields dropped, retyped, renamed or added."""
    documents = copy.deepcopy(draw(st.lists(st.sampled_from(SEEDS), min_size=1, max_size=4)))
    for _ in range(draw(st.integers(0, 6))):
        index = draw(st.integers(0, len(documents) - 1))
        candidates = paths(documents[index])
        if not candidates:
            continue
        path = draw(st.sampled_from(candidates))
        parent = parent_of(documents[index], path)
        operation = draw(st.sampled_from(("drop", "retype", "rename", "add")))
        if operation == "drop":
            del parent[path[-1]]
        elif operation == "retype":
            parent[path[-1]] = draw(wrong_values)
        elif operation == "rename" and isinstance(parent, dict):
            parent[draw(field_names)] = parent.pop(path[-1])
        elif operation == "add" and isinstance(parent, dict):
            parent[draw(field_names)] = draw(wrong_values)
    if draw(st.booleans()):
        documents.append(draw(st.one_of(wrong_values, st.just({"kind": "List", "items": []}))))
    return documents


CONTROL = st.sampled_from(
    ["\x00", "\x07", "\x1b", "\t", "\r", "\x85", "\u2028", "\ufeff", "\ud7ff"]
)
TAGS = st.sampled_from(
    [
        "!!int",
        "!!bool",
        "!!float",
        "!!null",
        "!!str",
        "!!binary",
        "!!timestamp",
        "!!map",
        "!!seq",
        "!!set",
        "!!omap",
        "!!python/object/apply:os.system",
        "!Ref",
        "!<tag:x>",
    ]
)
ODD_SCALARS = st.sampled_from(
    [
        "",
        "-",
        "+",
        "maybe",
        "0x",
        "0b",
        "0o",
        "1_",
        ".",
        "~",
        "1:2",
        ".inf",
        "-.nan",
        "2001-13-45",
        "%%%",
        "[1]",
        "{a: 1}",
    ]
)
# YAML syntax worth splicing in: typed scalars, anchors, aliases, merges, complex keys, tags.
SYNTAX = st.sampled_from(
    [
        "!!int ",
        "!!bool ",
        "!!float ",
        "!!binary ",
        "!!timestamp ",
        "!!python/object:os.system ",
        "!Ref ",
        "&a ",
        "*a",
        "<<: *a\n",
        "? ",
        ": ",
        "- ",
        "{",
        "}",
        "[",
        "]",
        ",",
        "#",
        "|",
        ">",
        "'",
        '"',
        "---\n",
        "...\n",
        "%YAML 1.1\n",
    ]
)


@st.composite
def mutated_text(draw) -> str:
    """Dumped manifests, then damaged as text."""
    text = dump(draw(mutated_documents()), draw(st.booleans()))
    for _ in range(draw(st.integers(0, 4))):
        operation = draw(
            st.sampled_from(("truncate", "insert", "duplicate", "drop", "indent", "tag"))
        )
        at = draw(st.integers(0, len(text)))
        lines = text.split("\n")
        line = draw(st.integers(0, max(0, len(lines) - 1)))
        if operation == "truncate":
            text = text[:at]
        elif operation == "insert":
            text = text[:at] + draw(st.one_of(CONTROL, SYNTAX, st.text(max_size=4))) + text[at:]
        elif operation == "duplicate":
            text = "\n".join(lines[: line + 1] + lines[line:])
        elif operation == "drop":
            text = "\n".join(lines[:line] + lines[line + 1 :])
        elif operation == "indent":
            lines[line] = draw(st.sampled_from(("\t", " ", "   ", "- "))) + lines[line]
            text = "\n".join(lines)
        elif ": " in lines[line]:  # a typed scalar with a value that may not fit the type
            key, _, value = lines[line].partition(": ")
            if draw(st.booleans()):
                value = draw(ODD_SCALARS)
            lines[line] = f"{key}: {draw(TAGS)} {value}"
            text = "\n".join(lines)
    return text


file_contents = st.one_of(
    mutated_text().map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    mutated_text().map(lambda text: text.encode("utf-16")),
)


# -- the property --------------------------------------------------------------------------


def check_pipeline(files: dict[str, bytes | str], render: bool = True) -> None:
    """Load, analyse and render ``files``; fail on any raise or internal error."""
    sources = [load_text(name, data) for name, data in files.items()]
    report = analyse_sources(sources)
    assert not report.internal_errors, "\n".join(report.tracebacks)
    # YAML breaks lines at \r and \x85 too, as splitlines() does; +2 for an error at the end.
    lines = {s.path: len(s.text.splitlines()) + 2 for s in sources}
    for finding in report.findings:
        assert finding.file in files, finding
        assert 1 <= finding.line <= lines[finding.file], finding
        assert finding.column >= 1, finding
    for name in FORMATS if render else ():
        stream = io.StringIO()
        renderer(name)(report, stream, True)  # with colour: the plain path is a subset of it
        if name == "json":
            json.loads(stream.getvalue())


def pipeline(files: dict[str, bytes]) -> None:
    check_pipeline(files)


def wrong_types(seed: dict, data: st.DataObject) -> None:
    """Any field of any seed, and the fields under it, set to values of the wrong type."""
    document = copy.deepcopy(seed)
    for _ in range(data.draw(st.integers(1, 4))):
        candidates = paths(document)
        if not candidates:
            break
        set_at(document, data.draw(st.sampled_from(candidates)), data.draw(wrong_values))
    check_pipeline({"seed.yaml": dump([*ISTIO, document], False)})


PROPERTIES = {
    "pipeline": (
        pipeline,
        (
            st.dictionaries(
                st.sampled_from(["a.yaml", "b.yml", "c.json"]), file_contents, min_size=1
            ),
        ),
    ),
    "wrong-types": (wrong_types, (st.sampled_from(SEEDS), st.data())),
}


def property_test(name: str, **config) -> Callable[[], None]:
    """A fresh hypothesis test for property ``name`` with ``config`` as its settings."""
    function, strategies = PROPERTIES[name]
    return settings(**config)(given(*strategies)(function))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--minutes", type=float, default=10, help="how long to run (default 10)")
    parser.add_argument("--examples", type=int, default=2000, help="examples per round")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.minutes * 60
    rounds = failures = 0
    while time.monotonic() < deadline:
        for name in PROPERTIES:
            test = property_test(
                name,
                max_examples=args.examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            try:
                test()
            except Exception as error:  # hypothesis has printed the falsifying example
                failures += 1
                print(f"{name}: {type(error).__name__}: {error}", file=sys.stderr)
        rounds += 1
        print(f"round {rounds} done, {failures} failure(s)", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
