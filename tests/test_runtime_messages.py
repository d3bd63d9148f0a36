"""Messages that promise runtime behaviour, worded as Istio's code decides it (the golden cases
assert positions, not wording)."""

from pathlib import Path

from golden import make_settings

from meshlint.engine.analyse import analyse
from meshlint.engine.run import Run
from meshlint.rules import select_rules


def messages(tmp_path: Path, text: str, rule: str) -> list[str]:
    (tmp_path / "m.yaml").write_text(text)
    report = analyse([str(tmp_path)], Run(settings=make_settings({}), rules=select_rules([rule])))
    return [f.message for f in report.findings if f.rule == rule]


def test_a_split_without_weights_is_rejected_by_validation(tmp_path):
    """pkg/config/validation validateHTTPRouteDestinations: "total destination weight = 0"."""
    text = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
    - destination: {host: reviews, subset: v2}
"""
    (message,) = messages(tmp_path, text, "weight-sum")
    assert "rejects" in message and "total destination weight = 0" in message
    assert "sends no traffic" not in message


def test_conflicting_gateways_says_a_server_is_skipped(tmp_path):
    """pilot/pkg/model/gateway.go mergeGateways: a TCP server cannot merge with another."""
    gateway = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: {name}, namespace: istio-system}}
spec:
  selector: {{istio: ingressgateway}}
  servers:
  - port: {{number: 5432, name: tcp, protocol: TCP}}
    hosts: ["*"]
"""
    text = gateway.format(name="a") + "---\n" + gateway.format(name="b")
    found = messages(tmp_path, text, "conflicting-gateways")
    assert len(found) == 2
    assert all("skips the other" in m and "only one of the servers" not in m for m in found)
