"""Istio's own tutorials pass with the default ``--fail-on``: a tool that fails the first
thing a new user tries teaches them to ignore it.

The bookinfo tutorial (Istio's samples/bookinfo) applies a Gateway and its VirtualService, a
DestinationRule per service whose subsets name every version the sample ever ships, and
VirtualServices routing every service to v1. Its Services and Deployments come from another
file, which a user may or may not keep next to these. The manifests below are written for
this test in the tutorial's shape.
"""

from __future__ import annotations

import io
from pathlib import Path

from meshlint.cli.main import main

VERSIONS = {
    "productpage": (["v1"], ["v1"]),  # (DestinationRule subsets, deployed versions)
    "reviews": (["v1", "v2", "v3"], ["v1", "v2", "v3"]),
    "ratings": (["v1", "v2", "v2-mysql", "v2-mysql-vm"], ["v1"]),
    "details": (["v1", "v2"], ["v1"]),
}

GATEWAY = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  selector:
    istio: ingressgateway
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: bookinfo
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match:
    - uri: {exact: /productpage}
    - uri: {prefix: /static}
    route:
    - destination:
        host: productpage
        port: {number: 9080}
"""


def _destination_rules() -> str:
    docs = []
    for app, (subsets, _) in VERSIONS.items():
        listed = "".join(f"  - name: {v}\n    labels:\n      version: {v}\n" for v in subsets)
        docs.append(
            "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
            f"metadata:\n  name: {app}\nspec:\n  host: {app}\n  subsets:\n{listed}"
        )
    return "---\n".join(docs)


def _routes(version: str = "v1") -> str:
    return "---\n".join(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        f"metadata:\n  name: {app}\nspec:\n  hosts: [{app}]\n  http:\n  - route:\n"
        f"    - destination: {{host: {app}, subset: {version if app == 'details' else 'v1'}}}\n"
        for app in VERSIONS
    )


def _workloads() -> str:
    docs = []
    for app, (_, deployed) in VERSIONS.items():
        docs.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: {app}, labels: {{app: {app}}}}}\n"
            f"spec:\n  selector: {{app: {app}}}\n  ports: [{{name: http, port: 9080}}]\n"
        )
        for v in deployed:
            labels = f"{{app: {app}, version: {v}}}"
            docs.append(
                "apiVersion: apps/v1\nkind: Deployment\n"
                f"metadata: {{name: {app}-{v}}}\nspec:\n  selector: {{matchLabels: {labels}}}\n"
                f"  template:\n    metadata: {{labels: {labels}}}\n    spec:\n"
                f"      containers:\n      - name: {app}\n        image: example/{app}:{v}\n"
                "        ports: [{containerPort: 9080}]\n"
            )
    return "---\n".join(docs)


def _run(tree: Path, files: dict[str, str]) -> tuple[int, str]:
    tree.mkdir()
    for name, text in files.items():
        (tree / name).write_text(text)
    out, err = io.StringIO(), io.StringIO()
    status = main([str(tree), "--no-cache"], stdout=out, stderr=err)
    return status, out.getvalue() + err.getvalue()


def _networking(version: str = "v1") -> dict[str, str]:
    return {
        "bookinfo-gateway.yaml": GATEWAY,
        "destination-rule-all.yaml": _destination_rules(),
        "virtual-service-all-v1.yaml": _routes(version),
    }


def test_bookinfo_routes_without_their_services_pass(tmp_path):
    status, output = _run(tmp_path / "t", _networking())
    assert status == 0, output


def test_bookinfo_with_its_workloads_passes(tmp_path):
    status, output = _run(tmp_path / "t", {**_networking(), "bookinfo.yaml": _workloads()})
    assert status == 0, output
    assert "subset-selects-no-pods" in output  # the undeployed versions, as infos


def test_routing_to_an_undeployed_version_fails(tmp_path):
    files = {**_networking("v2"), "bookinfo.yaml": _workloads()}
    status, output = _run(tmp_path / "t", files)
    assert status == 1, output
    assert "warning ML118 subset-selects-no-pods subset 'v2'" in output
