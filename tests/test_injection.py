"""The injector model's answers and advice (istio-discovery templates/mutatingwebhook.yaml):
what the golden cases cannot see, the wording that must never mislead."""

from pathlib import Path

import pytest
from golden import make_settings

from meshlint.engine.analyse import analyse
from meshlint.engine.run import Run
from meshlint.facts.ambient import namespace_is_ambient
from meshlint.facts.injection_labels import namespace_revision
from meshlint.facts.injector import injection_advice
from meshlint.rules import select_rules

GATEWAY_AND_DEBUG = """\
apiVersion: v1
kind: Namespace
metadata: {name: istio-ingress}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingress, namespace: istio-ingress}
spec:
  selector: {matchLabels: {istio: ingress}}
  template:
    metadata:
      annotations: {inject.istio.io/templates: gateway}
      labels: {sidecar.istio.io/inject: "true", istio: ingress}
    spec:
      containers: [{name: istio-proxy, image: auto}]
"""
DEBUG = """\
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: debug, namespace: istio-ingress}
spec:
  selector: {matchLabels: {app: debug}}
  template:
    metadata: {labels: {app: debug}}
    spec:
      containers: [{name: debug, image: busybox}]
"""


def messages(tmp_path: Path, text: str, rule: str) -> list[str]:
    (tmp_path / "m.yaml").write_text(text)
    report = analyse([str(tmp_path)], Run(settings=make_settings({}), rules=select_rules([rule])))
    return [f.message for f in report.findings if f.rule == rule]


def test_missing_label_advice_never_disables_a_namespace_whose_pods_opt_in(tmp_path):
    (message,) = messages(tmp_path, GATEWAY_AND_DEBUG + DEBUG, "injection-missing")
    assert "'debug'" in message and "'istio-ingress'" in message
    assert "not istio-injection=disabled" in message


@pytest.mark.parametrize("labels", [None, {}, {"istio-injection": "true"}, {"istio.io/rev": ""}])
def test_injection_advice_never_suggests_disabling(labels):
    assert "disabled" not in injection_advice(labels)


def test_disabled_namespace_advice_replaces_the_label_and_not_with_a_pod_label():
    advice = injection_advice({"istio-injection": "disabled"})
    assert "instead of istio-injection=disabled" in advice
    assert "sidecar.istio.io/inject" not in advice


@pytest.mark.parametrize(
    ("labels", "sidecar", "ambient"),
    [
        ({"istio.io/rev": "", "istio.io/dataplane-mode": "ambient"}, False, True),
        ({"istio.io/rev": "canary", "istio.io/dataplane-mode": "ambient"}, True, False),
        ({"istio-injection": "enabled", "istio.io/dataplane-mode": "ambient"}, True, False),
        ({"istio.io/rev": ""}, False, False),
    ],
)
def test_revision_and_ambient_agree_with_the_webhooks(labels, sidecar, ambient):
    """An empty istio.io/rev names no revision: no sidecar webhook matches it, so an ambient
    label beside it takes effect; a real revision or istio-injection=enabled wins."""

    class OneNamespace:
        def namespace_labels(self, namespace):
            return labels

    assert namespace_revision(labels)[0] is sidecar
    assert namespace_is_ambient(OneNamespace(), "shop") is ambient
    assert not (sidecar and ambient)
