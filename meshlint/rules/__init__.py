"""The rule registry: every rule meshlint has, in code order.

To add a rule, write its module (metadata, docstring with ``## Bad`` and ``## Good``
examples, ``check``), add it to ``_MODULES`` and add its golden cases in ``rules/``.
"""

from __future__ import annotations

from meshlint.rules import (
    authn_selector_no_workload,
    authz_host_unknown,
    authz_identity_without_mtls,
    authz_invalid_method,
    authz_principal_unknown,
    authz_selector_no_workload,
    authz_source_namespace_unknown,
    dangling_gateway,
    dangling_host,
    dangling_subset,
    decode_error,
    duplicate_key,
    gateway_legacy_reference,
    helm_template,
    injection_conflicting_labels,
    injection_disabled,
    injection_missing,
    internal_error,
    jwks_fetch_unrestricted,
    mtls_client_without_server,
    mtls_mutual_to_disabled,
    mtls_plaintext_to_strict,
    mtls_settings_overridden,
    mtls_strict_without_client_tls,
    peer_authentication_conflict,
    sidecar_ambient_ineffective,
    sidecar_egress_host_unknown,
    sidecar_multiple_defaults,
    sidecar_root_selector,
    sidecar_selector_conflict,
    sidecar_selector_no_workload,
    telemetry_lightstep_provider,
    telemetry_multiple_defaults,
    telemetry_provider_undefined,
    telemetry_selector_conflict,
    telemetry_selector_no_workload,
    trace_sampling_production,
    unreadable_file,
    weight_sum,
    yaml_limit,
    yaml_syntax,
    yaml_tag,
)
from meshlint.rules.base import Rule, from_module

__all__ = ["RULES", "Rule", "find_rule"]

_MODULES = (
    # ML0xx: reading the input
    yaml_syntax,
    helm_template,
    decode_error,
    duplicate_key,
    yaml_tag,
    yaml_limit,
    unreadable_file,
    # ML1xx: references between resources
    dangling_host,
    dangling_subset,
    dangling_gateway,
    gateway_legacy_reference,
    # ML15x-16x: sidecar and security references
    sidecar_selector_no_workload,
    sidecar_egress_host_unknown,
    sidecar_selector_conflict,
    sidecar_multiple_defaults,
    sidecar_ambient_ineffective,
    sidecar_root_selector,
    authz_source_namespace_unknown,
    authz_selector_no_workload,
    authz_host_unknown,
    authz_principal_unknown,
    authn_selector_no_workload,
    # ML2xx: traffic
    weight_sum,
    # ML3xx: observability and cost
    trace_sampling_production,
    telemetry_selector_no_workload,
    telemetry_selector_conflict,
    telemetry_multiple_defaults,
    telemetry_provider_undefined,
    telemetry_lightstep_provider,
    # ML4xx: data plane membership
    injection_missing,
    injection_disabled,
    injection_conflicting_labels,
    # ML7xx: security and mTLS
    authz_invalid_method,
    authz_identity_without_mtls,
    jwks_fetch_unrestricted,
    peer_authentication_conflict,
    mtls_strict_without_client_tls,
    mtls_client_without_server,
    mtls_plaintext_to_strict,
    mtls_mutual_to_disabled,
    mtls_settings_overridden,
    # ML9xx: meshlint itself
    internal_error,
)

RULES: tuple[Rule, ...] = tuple(sorted((from_module(m) for m in _MODULES), key=lambda r: r.code))
_BY_KEY = {key: rule for rule in RULES for key in (rule.code, rule.name)}


def find_rule(name_or_code: str) -> Rule | None:
    return _BY_KEY.get(name_or_code) or _BY_KEY.get(name_or_code.upper())
