"""DestinationRule TLS settings that originate TLS without verifying the server, shared by
the destination-level and port-level rules."""

from __future__ import annotations

from collections.abc import Iterator

from meshlint.facts.destination_rules import workload_selector
from meshlint.facts.graph import Mesh
from meshlint.findings import Finding
from meshlint.input.resources import K, Resource
from meshlint.rules.base import Rule, report

__all__ = ["report_unverified_tls", "unverified_tls"]

ORIGINATING = ("SIMPLE", "MUTUAL")


def _unverified(tls: object, has_selector: bool) -> bool:
    if not isinstance(tls, dict) or tls.get("mode") not in ORIGINATING:
        return False
    if tls.get("caCertificates") or tls.get("insecureSkipVerify") is True:
        return False
    # A credentialName Secret may carry the CA, but only sidecars picked by a workloadSelector
    # can read it.
    return not (tls.get("credentialName") and has_selector)


def unverified_tls(rule: Resource, port_level: bool) -> Iterator[tuple[tuple, str]]:
    """``(path to tls, mode)`` for each ``tls`` block (destination-level: the top and each
    subset's traffic policy; port-level: their ``portLevelSettings``) that originates TLS
    without a CA to verify the server."""
    spec = rule.spec
    has_selector = workload_selector(rule) is not None
    policies: list[tuple[tuple, object]] = [(("spec", "trafficPolicy"), spec.get("trafficPolicy"))]
    subsets = spec.get("subsets")
    for index, subset in enumerate(subsets if isinstance(subsets, list) else ()):
        if isinstance(subset, dict):
            policies.append(
                (("spec", "subsets", index, "trafficPolicy"), subset.get("trafficPolicy"))
            )
    for path, policy in policies:
        if not isinstance(policy, dict):
            continue
        if not port_level:
            if _unverified(policy.get("tls"), has_selector):
                yield (*path, "tls", "mode"), policy["tls"]["mode"]
            continue
        settings = policy.get("portLevelSettings")
        for index, setting in enumerate(settings if isinstance(settings, list) else ()):
            if isinstance(setting, dict) and _unverified(setting.get("tls"), has_selector):
                tls_path = (*path, "portLevelSettings", index, "tls", "mode")
                yield tls_path, setting["tls"]["mode"]


def report_unverified_tls(mesh: Mesh, rule: Rule, port_level: bool) -> Iterator[Finding]:
    for destination_rule in mesh.of_type(K.DESTINATION_RULE):
        host = destination_rule.spec.get("host")
        for path, mode in unverified_tls(destination_rule, port_level):
            message = (
                f"TLS mode {mode} to {host!r} has no caCertificates, so the server certificate "
                "is not checked against a CA you chose; set caCertificates (or "
                "insecureSkipVerify: true to accept this on purpose)"
            )
            yield report(rule, destination_rule, path, message)
