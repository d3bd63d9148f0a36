"""Messages that promise runtime behaviour, worded as Istio's code decides it (the golden cases
assert positions, not wording)."""

from pathlib import Path

from golden import make_settings

from meshlint.engine import analyse, select_rules


def messages(tmp_path: Path, text: str, rule: str) -> list[str]:
    (tmp_path / "m.yaml").write_text(text)
    report = analyse([str(tmp_path)], make_settings({}), select_rules([rule]))
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
