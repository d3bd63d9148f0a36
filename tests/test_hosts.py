"""Host resolution and visibility, the source of most peers' false positives."""

import pytest

from meshlint.facts.hosts import (
    HostDef,
    HostTable,
    dns_form_fqdn,
    export_set,
    host_candidates,
    visible,
)

D = "cluster.local"


@pytest.mark.parametrize(
    ("host", "namespace", "expected"),
    [
        ("reviews", "shop", ("reviews.shop.svc.cluster.local",)),
        # ResolveShortnameToFQDN expands only names without a dot: DNS forms stay literal.
        ("reviews.data", "shop", ("reviews.data",)),
        ("reviews.data.svc", "shop", ("reviews.data.svc",)),
        ("::1", "shop", ("::1",)),
        ("reviews.data.svc.cluster.local", "shop", ("reviews.data.svc.cluster.local",)),
        ("api.example.com", "shop", ("api.example.com",)),
        ("*.example.com", "shop", ("*.example.com",)),
    ],
)
def test_host_candidates(host, namespace, expected):
    assert host_candidates(host, namespace, D) == expected


@pytest.mark.parametrize(
    ("host", "fqdn"),
    [
        ("reviews.data", "reviews.data.svc.cluster.local"),
        ("reviews.data.svc", "reviews.data.svc.cluster.local"),
        ("reviews", None),
        ("reviews.data.svc.cluster.local", None),
        ("api.example.com", None),
        ("*.example", None),
    ],
)
def test_dns_form_names_the_service_it_was_meant_for(host, fqdn):
    assert dns_form_fqdn(host, D) == fqdn


def test_exact_lookup_ignores_wildcards():
    table = HostTable()
    table.add(HostDef("*.example.com", None, None, ()))
    assert table.lookup(["api.example.com"], exact=True) == []
    assert table.lookup(["*.example.com"], exact=True)


@pytest.mark.parametrize(
    ("pattern", "host", "covered"),
    [
        ("*", "anything.example.com", True),
        ("*.example.com", "api.example.com", True),
        ("*.example.com", "a.b.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "badexample.com", False),
        ("api.example.com", "api.example.com", True),
    ],
)
def test_wildcards_match_at_a_label_boundary(pattern, host, covered):
    table = HostTable()
    table.add(HostDef(pattern, None, None, ()))  # the resource plays no part in matching
    assert bool(table.lookup([host])) is covered


def test_export_to_semantics():
    assert export_set(None) is None
    assert export_set(["."]) == frozenset({"."})
    assert export_set(" a, b ") == frozenset({"a", "b"})
    assert visible(None, "shop", "other")
    assert visible(frozenset({"*"}), "shop", "other")
    assert visible(frozenset({"."}), "shop", "shop")
    assert not visible(frozenset({"."}), "shop", "other")
    assert visible(frozenset({"other"}), "shop", "other")
    assert not visible(frozenset({"~"}), "shop", "shop")
