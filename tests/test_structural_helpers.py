"""The helpers behind the structural rules: Go durations, Istio host names, RE2 regexes
(with and without google-re2) and the field-pattern walker."""

import pytest

from meshlint.facts.fieldwalk import find
from meshlint.facts.traffic import host_overlaps as hosts_overlap
from meshlint.istio import re2syntax
from meshlint.istio.dnsnames import (
    is_partial_wildcard,
    namespace_host_problem,
    wildcard_domain_problem,
)
from meshlint.istio.durations import DurationError, format_ms, parse_duration, suggest_duration


@pytest.mark.parametrize(
    ("text", "ns"),
    [
        ("1s", 10**9),
        ("0.5s", 5 * 10**8),
        (".5s", 5 * 10**8),
        ("1.s", 10**9),
        ("100ms", 10**8),
        ("1h30m", 5400 * 10**9),
        ("1500us", 1_500_000),
        ("1\u00b5s", 1000),
        ("-1s", -(10**9)),
        ("+3s", 3 * 10**9),
        ("0", 0),
    ],
)
def test_go_duration_syntax(text, ns):
    assert parse_duration(text) == ns


@pytest.mark.parametrize("text", ["", "3 minutes", "10", "5S", "1h 30m", ".s", "1d", "s"])
def test_not_durations(text):
    with pytest.raises(DurationError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("3 minutes", "180s or 3m"),
        ("10", "10s"),
        ("5S", "5s"),
        ("1h 30m", "1h30m"),
        ("2 days", "48h"),
    ],
)
def test_duration_suggestions(text, hint):
    assert suggest_duration(text) == hint


def test_format_ms():
    assert [format_ms(v) for v in (2, 1500, 2000, 180_000, 3_600_000)] == [
        "2ms",
        "1500ms",
        "2s",
        "180s or 3m",
        "1h",
    ]


@pytest.mark.parametrize(
    "host", ["*", "*.example.com", "example.com.", "Reviews.Shop", "reviews", "*foo.com", "*-a.b"]
)
def test_hosts_istio_accepts(host):
    assert wildcard_domain_problem(host) is None


@pytest.mark.parametrize(
    "host", ["", "foo.*.com", "**.com", "a_b.com", "a..b", "-a.com", "10.0.0.1", "x" * 64 + ".io"]
)
def test_hosts_istio_refuses(host):
    assert wildcard_domain_problem(host)


def test_partial_wildcards():
    assert is_partial_wildcard("*foo.com") and is_partial_wildcard("f*o.com")
    assert not is_partial_wildcard("*") and not is_partial_wildcard("*.foo.com")


def test_namespace_slash_hosts():
    assert namespace_host_problem("*/*", gateway=True) is None
    assert namespace_host_problem("10.1.2.3", gateway=True) is None
    assert namespace_host_problem("~/*", gateway=False) is None
    assert namespace_host_problem("~/*", gateway=True)
    assert namespace_host_problem("api.example.com", gateway=False)
    assert namespace_host_problem("ns/short", gateway=True)


def test_wildcard_overlap_follows_istio():
    assert hosts_overlap("*.com", "foo.com") and hosts_overlap("*.example.com", "*.com")
    assert not hosts_overlap("*.foo.com", "foo.com")
    assert hosts_overlap("*", "*.com")


def test_partial_label_wildcard_overlaps_like_istio():
    # host.Name.Matches: any leading '*' is a wildcard, so '*-api.com' covers 'eu-api.com'
    assert hosts_overlap("*-api.com", "eu-api.com") and hosts_overlap("*.com", "*-api.com")
    assert hosts_overlap("*.EU.com", "x.eu.com")
    assert not hosts_overlap("*.EU.com", "x.eu.com", fold_case=False)


def _regex_problem(pattern, engine, monkeypatch):
    """The verdict of RE2 itself, or of the conservative check used without google-re2."""
    if engine == "re2" and not re2syntax.USING_RE2:
        pytest.skip("google-re2 is not installed")
    if engine == "fallback":
        monkeypatch.setattr(re2syntax, "_re2", None)
    re2syntax.regex_problem.cache_clear()
    try:
        return re2syntax.regex_problem(pattern)
    finally:
        re2syntax.regex_problem.cache_clear()


ENGINES = pytest.mark.parametrize("engine", ["re2", "fallback"])


@pytest.mark.parametrize(
    "pattern", ["^/api/(?!internal).*", "(a)\\1", "a++", "(?>a)", "a(b", "(?<=a)b", "(?P=n)"]
)
@ENGINES
def test_regexes_re2_refuses(pattern, engine, monkeypatch):
    assert _regex_problem(pattern, engine, monkeypatch)


@pytest.mark.parametrize(
    "pattern", ["^/v[12]/.*", "(?i)abc", "\\d{1,3}", "(?P<id>[0-9]+)", "a\\\\1", "[[:alpha:]]"]
)
@ENGINES
def test_regexes_re2_accepts(pattern, engine, monkeypatch):
    assert _regex_problem(pattern, engine, monkeypatch) is None


def test_empty_and_long_regexes():
    assert re2syntax.regex_problem("")
    assert re2syntax.regex_problem("a" * 1025)


def test_field_walk_reaches_every_occurrence_and_ignores_wrong_types():
    body = {"spec": {"http": [{"timeout": "1s"}, "oops", {"timeout": 5}], "ports": {"a": 1}}}
    assert list(find(body, "spec.http[].timeout")) == [
        (("spec", "http", 0, "timeout"), "1s"),
        (("spec", "http", 2, "timeout"), 5),
    ]
    assert list(find(body, "spec.ports{}")) == [(("spec", "ports", "a"), 1)]
    assert list(find({"spec": "x"}, "spec.http[].timeout")) == []
