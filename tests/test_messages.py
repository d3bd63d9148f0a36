"""How messages read: lists each item once and capped, did-you-mean on the part that differs.
The golden cases assert positions, not wording; these assert the wording."""

from pathlib import Path

import pytest
from golden import make_settings

from meshlint.engine.analyse import analyse
from meshlint.engine.run import Run
from meshlint.rules import select_rules
from meshlint.rules.base import HostSuggestions, differing_labels, quoted_list, suggest_host


def messages(tmp_path: Path, text: str, rule: str) -> list[str]:
    (tmp_path / "m.yaml").write_text(text)
    report = analyse([str(tmp_path)], Run(settings=make_settings({}), rules=select_rules([rule])))
    return [f.message for f in report.findings if f.rule == rule]


def test_quoted_list_sorts_dedupes_and_caps():
    assert quoted_list(["b", "a", "b", "a"]) == "'a', 'b'"
    assert quoted_list(f"n{i:02}" for i in range(53)) == (
        "'n00', 'n01', 'n02', 'n03', 'n04', 'n05' and 47 more"
    )
    assert quoted_list([]) == ""


def test_quoted_list_keeps_the_order_given_and_first_occurrences():
    assert quoted_list(["c", "a", "c", "b"], ordered=True) == "'c', 'a', 'b'"
    assert quoted_list(["c", "a", "b"], limit=2, ordered=True) == "'c', 'a' and 1 more"


def test_quoted_list_unquoted_for_names_shown_in_their_own_form():
    shown = ["DestinationRule shop/b", "DestinationRule shop/a", "DestinationRule shop/b"]
    assert quoted_list(shown, quote=False) == "DestinationRule shop/a, DestinationRule shop/b"
    assert quoted_list([9080, 80, 9080], quote=False) == "80, 9080"


@pytest.mark.parametrize(
    ("a", "b", "parts"),
    [
        (
            "service3.default.svc.cluster.local",
            "fortio.none.svc.cluster.local",
            ("service3.default", "fortio.none"),
        ),
        (
            "reviewz.shop.svc.cluster.local",
            "reviews.shop.svc.cluster.local",
            ("reviewz", "reviews"),
        ),
        ("api.exampel.com", "api.example.com", ("exampel", "example")),
        ("reviews.shop.svc.cluster.local", "reviews.svc.cluster.local", ("shop", "")),
        ("same.name", "same.name", ("", "")),
        ("reviews", "ratings", ("reviews", "ratings")),
    ],
)
def test_differing_labels(a, b, parts):
    assert differing_labels(a.split("."), b.split(".")) == parts


def test_host_suggestion_ignores_a_shared_suffix():
    names = ["fortio.none.svc.cluster.local", "reviews.shop.svc.cluster.local"]
    assert suggest_host("service3.default.svc.cluster.local", names) == ""
    assert suggest_host("reviewz.shop.svc.cluster.local", names) == (
        " (did you mean 'reviews.shop.svc.cluster.local'?)"
    )
    # a typo in the namespace label is still one
    assert HostSuggestions(names).closest("reviews.shpo.svc.cluster.local") == names[1]


SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: fortio, namespace: none}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
---
"""


@pytest.mark.parametrize(
    "namespace,host,suggestion",
    [
        # only the suffix is shared: fortio.none... is no suggestion for service3.default...
        ("default", "service3.default.svc.cluster.local", None),
        ("shop", "reviewz.shop.svc.cluster.local", "reviews.shop.svc.cluster.local"),
    ],
)
def test_dangling_host_suggests_on_the_labels_that_differ(tmp_path, namespace, host, suggestion):
    text = (
        SERVICES
        + f"""\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: web, namespace: {namespace}}}
spec:
  hosts: [web]
  http:
  - route:
    - destination: {{host: {host}}}
"""
    )
    (message,) = messages(tmp_path, text, "dangling-host")
    assert f"{host!r}" in message
    if suggestion is None:
        assert "did you mean" not in message
    else:
        assert f"(did you mean {suggestion!r}?)" in message


def test_destination_rule_host_not_found_suggests_on_the_differing_part(tmp_path):
    rule = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: {name}, namespace: default}}
spec:
  host: {host}
"""
    text = (
        SERVICES
        + rule.format(name="a", host="service3.default.svc.cluster.local")
        + "---\n"
        + rule.format(name="b", host="reviewz.shop.svc.cluster.local")
    )
    found = {
        m.split("'")[1]: m for m in messages(tmp_path, text, "destination-rule-host-not-found")
    }
    assert "did you mean" not in found["service3.default.svc.cluster.local"]
    typo = found["reviewz.shop.svc.cluster.local"]
    assert "(did you mean 'reviews.shop.svc.cluster.local'?)" in typo


def test_dangling_subset_lists_many_merged_destination_rules_once_and_capped(tmp_path):
    """Rules for one host in one namespace merge (push_context.go mergeDestinationRule): the
    message names the merged rules in merge order, each once, six at most."""
    rule = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: r{i:02}, namespace: shop}}
spec:
  host: reviews
  subsets: [{{name: s{i:02}, labels: {{version: s{i:02}}}}}]
---
"""
    text = (
        SERVICES
        + "".join(rule.format(i=i) for i in range(53))
        + """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: v1}
"""
    )
    (message,) = messages(tmp_path, text, "dangling-subset")
    assert message.count("DestinationRule shop/") == 6
    assert "DestinationRule shop/r00, DestinationRule shop/r01" in message
    assert "and 47 more" in message
    assert message.count("'s0") == 6  # the subsets: sorted, capped too


def test_conflicting_mesh_hosts_names_each_other_virtual_service_once(tmp_path):
    vs = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: v{i:02}, namespace: shop}}
spec:
  hosts: [reviews, reviews.shop.svc.cluster.local]
  http:
  - route:
    - destination: {{host: reviews}}
---
"""
    text = SERVICES + "".join(vs.format(i=i) for i in range(10))
    found = messages(tmp_path, text, "conflicting-mesh-hosts")
    assert found
    for message in found:
        assert message.count("VirtualService shop/") <= 6
        assert "more" in message
