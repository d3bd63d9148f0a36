"""Istio's value syntax as the webhook reads it (meshlint.istio): protocols, addresses, host
names and AuthorizationPolicy values, each against cases taken from Istio's own code."""

import pytest

from meshlint.istio.addresses import ip_or_cidr_problem, label_problems, unix_address_problem
from meshlint.istio.authz import (
    attribute_key_problem,
    path_template_problem,
    port_problem,
    service_account_problem,
)
from meshlint.istio.dnsnames import fqdn_problem
from meshlint.istio.protocols import is_http, is_tls, parse_protocol


@pytest.mark.parametrize(
    "name, parsed", [("https", "HTTPS"), ("Grpc-Web", "GRPC-WEB"), ("HTTPS2", None), ("", None)]
)
def test_protocols_are_read_without_regard_to_case(name, parsed):
    assert parse_protocol(name) == parsed


def test_protocol_families():
    assert is_http("HTTP_PROXY") and is_http("GRPC") and not is_http("HTTPS")
    assert is_tls("HTTPS") and is_tls("TLS") and not is_tls("TCP")


@pytest.mark.parametrize(
    "text, ok",
    [
        ("10.0.0.1", True),
        ("10.0.0.0/8", True),
        ("2001:db8::/32", True),
        ("10.0.0.0/08", True),  # Go versions differ; accepted
        ("10.0.0.300", False),
        ("010.0.0.1", False),
        ("10.0.0.0/33", False),
        ("fe80::1%eth0/64", False),
        ("", False),
    ],
)
def test_ips_and_cidr_blocks(text, ok):
    assert (ip_or_cidr_problem(text) is None) == ok


@pytest.mark.parametrize(
    "path, ok", [("/var/run/a.sock", True), ("@abstract", True), ("var/a", False), ("/d/", False)]
)
def test_unix_socket_paths(path, ok):
    assert (unix_address_problem(path) is None) == ok


@pytest.mark.parametrize(
    "name, ok",
    [
        ("vm-1.shop.internal", True),
        ("api.example.com.", True),
        ("10.0.0.300", False),
        ("*.example.com", False),
        ("a_b.example.com", False),
        ("", False),
    ],
)
def test_fully_qualified_names(name, ok):
    assert (fqdn_problem(name) is None) == ok


def test_label_keys_and_values():
    assert label_problems({"app.kubernetes.io/name": "a.b-c_d", "version": ""}) == []
    assert [k for k, _ in label_problems({"bad key": "v", "tier": "back end"})] == [
        "bad key",
        "tier",
    ]


@pytest.mark.parametrize(
    "path, ok",
    [
        ("/api/{*}/items", True),
        ("/files/{**}", True),
        ("/a/{**}/b", True),
        ("/users/{id}", False),
        ("/a/{**}/{*}", False),
        ("/a/{*}/b c", False),
        ("/plain/*", True),
    ],
)
def test_path_templates(path, ok):
    assert (path_template_problem(path) is None) == ok


@pytest.mark.parametrize(
    "value, ok",
    [
        ("shop/frontend", True),
        ("frontend", True),
        ("a/b/c", False),
        ("*", False),
        ("/sa", False),
        ("ns/", False),
    ],
)
def test_service_accounts(value, ok):
    assert (service_account_problem(value) is None) == ok


@pytest.mark.parametrize(
    "value, ok",
    [
        ("0", True),
        ("65535", True),
        ("65536", False),
        ("-1", False),
        ("http", False),
        ("80-90", False),
    ],
)
def test_ports(value, ok):
    assert (port_problem(value) is None) == ok


@pytest.mark.parametrize(
    "key, ok",
    [
        ("request.headers[x-user]", True),
        ("request.auth.claims[groups]", True),
        ("source.serviceAccount", True),
        ("request.headers[]", False),
        ("request.header[x-user]", False),
        ("destination.namespace", False),
        ("destination.labels[app]", False),
    ],
)
def test_condition_keys(key, ok):
    assert (attribute_key_problem(key) is None) == ok
